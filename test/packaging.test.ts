/**
 * What the published package holds and needs: the exports map points at the build's output, the build
 * compiles src/ without tests, the tarball lists no tests, apps, benches or examples, the HTTP
 * dependencies are optional peers, and every entry but `eventfold/http` loads without them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

interface ExportTarget {
  readonly 'eventfold-source': string;
  readonly types: string;
  readonly default: string;
}
interface PackageJson {
  readonly exports: Readonly<Record<string, ExportTarget>>;
  readonly files: readonly string[];
  readonly sideEffects: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta: Readonly<Record<string, { readonly optional?: boolean }>>;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;

/** The packages only `eventfold/http` may load (and pino, which no entry needs). */
const HTTP_ONLY = /^(fastify|pino|nats|@fastify\/[^/]+|@sinclair\/typebox)(\/|$)/;
const HTTP_PACKAGES = [
  'fastify',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  '@fastify/type-provider-typebox',
  '@sinclair/typebox',
];
const NON_HTTP_ENTRIES = ['eventfold', 'eventfold/sqlite', 'eventfold/postgres', 'eventfold/testing'];

describe('package.json', () => {
  test('each export maps its source to the build output of the same path', () => {
    assert.deepEqual(Object.keys(pkg.exports).sort(), ['.', './http', './postgres', './sqlite', './testing']);
    for (const [entry, target] of Object.entries(pkg.exports)) {
      const source = target['eventfold-source'];
      assert.match(source, /^\.\/src\/.+\.ts$/, entry);
      assert.ok(existsSync(join(root, source)), `${entry}: ${source} exists`);
      const built = source.replace(/^\.\/src\//, './dist/src/').replace(/\.ts$/, '');
      assert.equal(target.types, `${built}.d.ts`, entry);
      assert.equal(target.default, `${built}.js`, entry);
    }
  });

  test('ships the build and the bin, with no side effects on import', () => {
    assert.deepEqual([...pkg.files].sort(), ['bin', 'dist/src']);
    assert.equal(pkg.sideEffects, false);
  });

  test('the HTTP packages are optional peers (and dev dependencies); pino and nats are not needed', () => {
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}), []);
    for (const name of [...HTTP_PACKAGES, 'better-sqlite3', 'pg']) {
      assert.ok(pkg.peerDependencies[name], `${name} is a peer`);
      assert.equal(pkg.peerDependenciesMeta[name]?.optional, true, `${name} is optional`);
      assert.ok(pkg.devDependencies[name], `${name} is a dev dependency`);
    }
    assert.equal(pkg.peerDependencies.pino, undefined);
    assert.equal(pkg.devDependencies.nats, undefined);
    assert.equal(pkg.peerDependencies.nats, undefined);
  });
});

describe('entries', () => {
  test('each names its exports (no export * that would pass internals through)', () => {
    for (const target of Object.values(pkg.exports)) {
      const source = readFileSync(join(root, target['eventfold-source']), 'utf8');
      assert.doesNotMatch(source, /export (type )?\*/, target['eventfold-source']);
    }
  });

  test('the main entry, eventfold/postgres and eventfold/http hold no runtime internals', async () => {
    const main: Record<string, unknown> = await import('eventfold');
    const internals = [
      'stampEvents',
      'loadState',
      'saveSnapshotIfDue',
      'snapshotDue',
      'applyBatch',
      'partitionOf',
      'commandFingerprint',
      'createQueueEngine',
    ];
    for (const name of internals) assert.equal(name in main, false, name);
    assert.deepEqual(
      Object.keys(main).filter((name) => name.startsWith('DEFAULT_')),
      [],
    );
    const postgres: Record<string, unknown> = await import('eventfold/postgres');
    assert.equal('acquirePartitionLease' in postgres, false);
    assert.equal(typeof postgres.POSTGRES_SCHEMA_VERSION, 'number');
    const http: Record<string, unknown> = await import('eventfold/http');
    for (const name of ['requestFingerprint', 'commandView', 'strictSchema'])
      assert.equal(name in http, false, name);
  });
});

describe('build and tarball', () => {
  test('the build config compiles src/ only, without tests or test support', async () => {
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const { stdout } = await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    const ours = stdout
      .split('\n')
      .filter((line) => line !== '' && !line.includes('/node_modules/'))
      .map((file) => relative(root, file));
    assert.ok(ours.includes('src/index.ts') && ours.includes('src/http/index.ts'), 'entries are compiled');
    for (const file of ours) {
      assert.match(file, /^src\//, file);
      assert.doesNotMatch(file, /\.test\.ts$|\.test-support\.ts$/, file);
    }
  });

  test('npm pack lists the build, the bin and the docs, and nothing else', async () => {
    // --ignore-scripts: no prepack build here; what the tarball would take is decided by "files".
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout) as { files: { path: string }[] }[];
    const paths = packed?.files.map((file) => file.path) ?? [];
    assert.ok(paths.includes('bin/eventfold.mjs'));
    for (const path of paths) {
      assert.ok(
        path.startsWith('dist/src/') ||
          ['bin/eventfold.mjs', 'package.json', 'README.md', 'LICENSE'].includes(path),
        `unexpected file in the tarball: ${path}`,
      );
      assert.doesNotMatch(path, /\.test\.|test-support|^(apps|bench|examples|test|scripts)\//, path);
    }
  });

  test('bin/eventfold.mjs runs from a checkout with no build', async () => {
    const { stdout } = await run(process.execPath, [join(root, 'bin/eventfold.mjs'), '--help'], {
      cwd: root,
    });
    assert.match(stdout, /^usage: eventfold <command>/);
  });
});

/** Resolver hooks that refuse the packages `blocked` matches, as if they were not installed. */
const blockingHooks = (blocked: RegExp): string => `export async function resolve(specifier, context, next) {
  if (${blocked}.test(specifier))
    throw Object.assign(new Error("Cannot find package '" + specifier + "' (hidden by the test)"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
  return next(specifier, context);
}`;
const registerHooks = (blocked: RegExp): string => `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(blockingHooks(blocked))}`)});`;

/** Runs node with `args` in a child process where the packages `blocked` matches cannot be resolved. */
const nodeWithout = (blocked: RegExp, args: readonly string[]) =>
  run(
    process.execPath,
    [
      '--conditions=eventfold-source',
      '--import',
      'tsx',
      '--import',
      `data:text/javascript,${encodeURIComponent(registerHooks(blocked))}`,
      ...args,
    ],
    { cwd: root },
  );
const importWithout = (blocked: RegExp, entry: string) =>
  nodeWithout(blocked, ['--input-type=module', '--eval', `await import(${JSON.stringify(entry)});`]);
const importWithoutHttpPackages = (entry: string) => importWithout(HTTP_ONLY, entry);

describe('optional dependencies', () => {
  for (const entry of NON_HTTP_ENTRIES)
    test(`${entry} loads without fastify, typebox or pino installed`, async () => {
      await importWithoutHttpPackages(entry);
    });

  for (const entry of ['eventfold', 'eventfold/http'])
    test(`${entry} loads without the database drivers installed`, async () => {
      await importWithout(/^(pg|better-sqlite3)(\/|$)/, entry);
    });

  test('the CLI answers --help without pg, and its migrate verb names the missing package', async () => {
    const bin = join(root, 'bin/eventfold.mjs');
    const help = await nodeWithout(/^pg(\/|$)/, [bin, '--help']);
    assert.match(help.stdout, /^usage: eventfold <command>/);
    await assert.rejects(
      nodeWithout(/^pg(\/|$)/, [bin, 'migrate', '--url', 'postgres://127.0.0.1:1/none']),
      (error: { code?: number; stderr?: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr ?? '', /eventfold migrate needs the pg package: npm install pg/);
        return true;
      },
    );
  });

  test('eventfold/http does need them (the blocking hook works)', async () => {
    await assert.rejects(importWithoutHttpPackages('eventfold/http'), (error: { stderr?: string }) => {
      assert.match(error.stderr ?? '', /Cannot find package '(fastify|@fastify\/|@sinclair\/typebox)/);
      return true;
    });
  });

  /**
   * Type imports vanish at run time but stay in the published `.d.ts` files: walk every import,
   * type-only ones included, from each entry's source.
   */
  const packagesImportedBy = (entry: string): Set<string> => {
    const target = pkg.exports[entry === 'eventfold' ? '.' : `./${entry.slice('eventfold/'.length)}`];
    assert.ok(target, entry);
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const specifier = match[1] ?? '';
        if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
        else packages.add(specifier);
      }
    };
    visit(join(root, target['eventfold-source']));
    return packages;
  };

  test('no entry but eventfold/http imports an HTTP-only package, even as a type', () => {
    for (const entry of NON_HTTP_ENTRIES) {
      const offending = [...packagesImportedBy(entry)].filter((name) => HTTP_ONLY.test(name));
      assert.deepEqual(offending, [], entry);
    }
    assert.ok([...packagesImportedBy('eventfold/http')].some((name) => HTTP_ONLY.test(name)));
  });
});

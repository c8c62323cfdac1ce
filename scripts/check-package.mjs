// Checks the package as a user gets it: builds, packs, installs the tarball into an empty project
// with none of the optional peers, then loads each entry from the build and type-checks a small
// consumer against the published .d.ts files (skipLibCheck off). `npm run check:package`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const sh = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe' });

/** Each entry, and the package it needs beyond Eventfold itself (none: it must load bare). */
const ENTRIES = {
  eventfold: undefined,
  'eventfold/testing': undefined,
  'eventfold/sqlite': 'better-sqlite3',
  'eventfold/postgres': 'pg',
  'eventfold/http': /fastify|@sinclair\/typebox/,
};

const consumer = mkdtempSync(join(tmpdir(), 'eventfold-consumer-'));
const failures = [];
try {
  sh(npm, ['run', 'build'], root);
  sh(npm, ['pack', '--ignore-scripts', '--pack-destination', consumer], root);
  const tarball = readdirSync(consumer).find((name) => name.endsWith('.tgz'));
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  // The package has no dependencies of its own, so this needs no registry.
  sh(npm, ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`], consumer);

  for (const [entry, needs] of Object.entries(ENTRIES)) {
    try {
      sh(
        process.execPath,
        ['--input-type=module', '--eval', `await import(${JSON.stringify(entry)});`],
        consumer,
      );
      if (needs) failures.push(`${entry} loaded without ${needs}: is it still a peer?`);
    } catch (error) {
      const missing = /Cannot find package '([^']+)'/.exec(String(error.stderr))?.[1];
      const expected =
        needs && missing && (typeof needs === 'string' ? missing === needs : needs.test(missing));
      if (!expected)
        failures.push(`${entry} failed to load: ${String(error.stderr).split('\n').slice(0, 6).join('\n')}`);
    }
  }

  try {
    const help = sh(
      process.execPath,
      [join(consumer, 'node_modules/eventfold/bin/eventfold.mjs'), '--help'],
      consumer,
    );
    if (!help.startsWith('usage: eventfold')) failures.push(`eventfold --help printed ${help}`);
  } catch (error) {
    failures.push(`the installed bin fails without pg: ${String(error.stderr)}`);
  }

  writeFileSync(
    join(consumer, 'index.ts'),
    `import { createMemoryStore, ErrorCodes, isStoreClosedError } from 'eventfold';
const store = createMemoryStore();
await store.append('s', [{ type: 'A', data: {} }]);
export const closed: boolean = isStoreClosedError(new Error('x')) && ErrorCodes.STORE_CLOSED === 'STORE_CLOSED';
`,
  );
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: [],
      },
      files: ['index.ts'],
    }),
  );
  try {
    sh(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', consumer], consumer);
  } catch (error) {
    failures.push(`the main entry's types do not check without the optional peers:\n${error.stdout}`);
  }
} finally {
  rmSync(consumer, { recursive: true, force: true });
}
if (failures.length > 0) {
  for (const failure of failures) console.error(`check-package: ${failure}`);
  process.exit(1);
}
console.log('check-package: the packed package installs alone; each entry loads with only its own peers');

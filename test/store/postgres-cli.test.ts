import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { POSTGRES_SCHEMA_VERSION } from 'eventfold/postgres';
import { adminQuery, DATABASE_URL, dropSchema, freshSchemaName, openSchema } from './postgres-support.js';

/** Every migration version, in order. */
const ALL_VERSIONS = Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1);

const bin = fileURLToPath(new URL('../../bin/eventfold.mjs', import.meta.url));

/** Runs the real `eventfold` binary in a child process. */
const eventfold = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, DATABASE_URL: undefined, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

const versions = async (schema: string): Promise<number[]> =>
  (
    await adminQuery<{ version: number }>(
      `select version from "${schema}".schema_migrations order by version`,
    )
  ).map((row) => row.version);

test('eventfold migrate creates the schema, then reports it up to date; a store uses it as is', async () => {
  const schema = freshSchemaName('efcli');
  try {
    const first = await eventfold(['migrate', '--schema', schema, '--url', DATABASE_URL]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`${schema} migrated from version 0 to ${POSTGRES_SCHEMA_VERSION}`));
    assert.deepEqual(await versions(schema), ALL_VERSIONS);

    // DATABASE_URL is the default connection.
    const again = await eventfold(['migrate', `--schema=${schema}`], { DATABASE_URL });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /up to date/);

    // A store that must not migrate (no DDL rights in production) works on the migrated schema.
    const opened = openSchema({ schema, migrate: false });
    const store = opened.open();
    const result = await store.append('s', [{ type: 'Created', data: {} }]);
    assert.equal(result.position, 1);
    await store.close();
  } finally {
    await dropSchema(schema);
  }
});

test('eventfold migrate without a database, or with an unknown option, exits 2 with usage', async () => {
  const missing = await eventfold(['migrate']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /DATABASE_URL/);
  const unknown = await eventfold(['migrate', '--url', DATABASE_URL, '--shema', 'x']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown option --shema/);
  const command = await eventfold(['migrat']);
  assert.equal(command.code, 2);
  const help = await eventfold(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /eventfold migrate/);
});

test('eventfold migrate against an unreachable server exits 1 with the reason', async () => {
  const result = await eventfold(['migrate', '--url', 'postgres://postgres@127.0.0.1:1/test']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /ECONNREFUSED/);
});

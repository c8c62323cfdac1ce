import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPostgresStore, migratePostgres, POSTGRES_SCHEMA_VERSION } from 'eventfold/postgres';
import pg from 'pg';
import { v1Initial } from '../../src/postgres/schema/v1-initial.js';
import { schemaNames } from '../../src/postgres/sql.js';
import { until } from '../../src/testing/contracts/event-store/support.js';
import { adminQuery, DATABASE_URL, dropSchema, freshSchemaName, openSchema } from './postgres-support.js';

/** Every migration version, in order. */
const ALL_VERSIONS = Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, index) => index + 1);

test('two stores in two schemas of one database are independent', async () => {
  const a = openSchema();
  const b = openSchema();
  try {
    const storeA = a.open();
    const storeB = b.open();
    await storeA.append('shared-id', [{ type: 'InA', data: { n: 1 }, id: 'same-event-id' }]);
    await storeB.append('shared-id', [{ type: 'InB', data: { n: 2 }, id: 'same-event-id' }]);
    await storeB.append('only-b', [{ type: 'InB', data: { n: 3 } }]);
    assert.deepEqual(
      (await storeA.readAll()).map((event) => [event.type, event.position]),
      [['InA', 1]],
    );
    assert.deepEqual(
      (await storeB.readAll()).map((event) => [event.type, event.position]),
      [
        ['InB', 1],
        ['InB', 2],
      ],
    );
    assert.equal(await storeA.headPosition(), 1);
    assert.equal((await storeB.streamState('only-b')).revision, 0);
    assert.equal((await storeA.streamState('only-b')).revision, -1);
    // A subscriber on A is not fed B's events (per-schema NOTIFY channel and tables).
    const seen: string[] = [];
    const subscription = storeA.subscribe({
      onEvents: (events) => void seen.push(...events.map((e) => e.type)),
    });
    await storeB.append('only-b', [{ type: 'InB', data: {} }]);
    await storeA.append('only-a', [{ type: 'InA', data: {} }]);
    await until(() => seen.length >= 2, 'the subscriber');
    await subscription.stop();
    assert.deepEqual(seen, ['InA', 'InA']);
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

test('nodes starting together migrate once, and every one of them can append', async () => {
  const schema = freshSchemaName();
  const stores = Array.from({ length: 5 }, () =>
    createPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 2 }),
  );
  try {
    const results = await Promise.all(
      stores.map((store, index) => store.append(`node-${index}`, [{ type: 'Started', data: { index } }])),
    );
    assert.deepEqual(results.map((result) => result.position).sort(), [1, 2, 3, 4, 5]);
    const rows = await adminQuery<{ version: number }>(`select version from "${schema}".schema_migrations`);
    assert.deepEqual(
      rows.map((row) => row.version).sort((a, b) => a - b),
      ALL_VERSIONS,
    );
  } finally {
    for (const store of stores) await store.close();
    await dropSchema(schema);
  }
});

test('migrating is idempotent and reports what it applied', async () => {
  const schema = freshSchemaName();
  try {
    const first = await migratePostgres({ connectionString: DATABASE_URL, schema });
    assert.deepEqual(first, { schema, from: 0, to: POSTGRES_SCHEMA_VERSION, applied: ALL_VERSIONS });
    const second = await migratePostgres({ connectionString: DATABASE_URL, schema });
    assert.deepEqual(second, {
      schema,
      from: POSTGRES_SCHEMA_VERSION,
      to: POSTGRES_SCHEMA_VERSION,
      applied: [],
    });
  } finally {
    await dropSchema(schema);
  }
});

test('a store on a caller-owned pool leaves the pool open on close', async () => {
  const schema = freshSchemaName();
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
  try {
    const store = createPostgresStore({ pool, schema });
    await store.append('s', [{ type: 'A', data: {} }]);
    const seen: number[] = [];
    const subscription = store.subscribe({
      onEvents: (events) => void seen.push(...events.map((e) => e.position)),
    });
    await until(() => seen.length >= 1, 'the subscriber');
    await subscription.stop();
    await store.close();
    const { rows } = await pool.query<{ n: string }>(`select count(*) as n from "${schema}".events`);
    assert.equal(rows[0]?.n, '1');
  } finally {
    await pool.end();
    await dropSchema(schema);
  }
});

test('a schema name with quotes and capitals is kept exactly', async () => {
  const schema = `Ef "Odd" ${freshSchemaName()}`;
  const store = createPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 2 });
  try {
    await store.append('s', [{ type: 'A', data: {} }]);
    const seen: number[] = [];
    const subscription = store.subscribe({
      onEvents: (events) => void seen.push(...events.map((e) => e.position)),
    });
    await store.append('s', [{ type: 'B', data: {} }]);
    await until(() => seen.length >= 2, 'the subscriber');
    await subscription.stop();
    const rows = await adminQuery<{ nspname: string }>(
      'select nspname from pg_namespace where nspname = $1',
      [schema],
    );
    assert.equal(rows.length, 1);
  } finally {
    await store.close();
    await dropSchema(schema);
  }
});

test('a schema left at version 1 by an older release is upgraded in place, its events kept', async () => {
  const schema = freshSchemaName();
  const names = schemaNames(schema);
  try {
    // What the version-1 release created.
    await adminQuery(`create schema "${schema}"`);
    await adminQuery(
      `create table ${names.migrations} (version integer primary key, name text not null, applied_at timestamptz not null default now())`,
    );
    await adminQuery(v1Initial(names));
    await adminQuery(`insert into ${names.migrations} (version, name) values (1, 'initial')`);
    const old = createPostgresStore({ connectionString: DATABASE_URL, schema, migrate: false, poolSize: 2 });
    await old.append('kept', [{ type: 'BeforeUpgrade', data: {} }]);
    await old.close();

    const report = await migratePostgres({ connectionString: DATABASE_URL, schema });
    assert.deepEqual(report.applied, ALL_VERSIONS.slice(1));
    const store = createPostgresStore({ connectionString: DATABASE_URL, schema, poolSize: 2 });
    assert.deepEqual(
      (await store.readStream('kept')).map((event) => event.type),
      ['BeforeUpgrade'],
    );
    await store.close();
  } finally {
    await dropSchema(schema);
  }
});

test('tags with quotes, backslashes, braces, commas and spaces round-trip and match queries', async () => {
  const opened = openSchema();
  try {
    const store = opened.open();
    const tags = ['a"b', 'c\\d', '{e}', 'f,g', ' h ', 'NULL', 'i\\"j'];
    await store.append('s', [{ type: 'Tagged', data: {}, tags }]);
    await store.append('t', [
      { type: 'Tagged', data: {}, tags },
      { type: 'Other', data: {}, tags: ['NULL'] },
    ]);
    assert.deepEqual((await store.readStream('s'))[0]?.tags, tags);
    assert.deepEqual(
      (await store.readByQuery({ tags: ['a"b', 'i\\"j'] })).map((event) => event.streamId),
      ['s', 't'],
    );
    assert.equal((await store.readByQuery({ tags: ['NULL'] })).length, 3);
  } finally {
    await opened.dispose();
  }
});

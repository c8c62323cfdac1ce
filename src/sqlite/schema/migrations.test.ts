import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { isConcurrencyError } from 'eventfold';
import { createSqliteStore } from 'eventfold/sqlite';
import { SCHEMA_V1 } from './migrations.js';

/**
 * A file exactly as version 1 of the store left it: `ef_streams.revision` maintained by every
 * append. Written by hand (the version-1 code is gone) with one live stream, one soft-deleted
 * stream (deleted_before = last revision + 1) and one stream with metadata but no events.
 */
const writeVersion1File = (path: string): void => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(SCHEMA_V1);
  db.exec(`
    CREATE TABLE ef_schema_version (version INTEGER PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL);
    INSERT INTO ef_schema_version VALUES (1, '2026-01-01T00:00:00.000Z');
    INSERT INTO ef_streams (stream_id, revision, deleted_before, metadata) VALUES
      ('live', 1, 0, '{}'), ('gone', 0, 1, '{}'), ('empty', -1, 0, '{"maxCount":5}');
  `);
  const insert = db.prepare(
    `INSERT INTO ef_events (position, event_id, stream_id, revision, type, data, metadata, tags, time, source)
     VALUES (?, ?, ?, ?, 'A', ?, '{}', ?, '2026-01-01T00:00:00.000Z', 'v1')`,
  );
  insert.run(1, 'id-1', 'live', 0, '{"n":1}', '["t:live"]');
  insert.run(2, 'id-2', 'gone', 0, '{"n":2}', '[]');
  insert.run(3, 'id-3', 'live', 1, '{"n":3}', '["t:live"]');
  db.prepare("INSERT INTO ef_event_tags (tag, position) VALUES ('t:live', 1), ('t:live', 3)").run();
  db.close();
};

test('a version-1 file is migrated: revisions, deletions and metadata survive; appends and reads work', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eventfold-sqlite-migrate-'));
  const path = join(dir, 'events.db');
  try {
    writeVersion1File(path);
    const store = createSqliteStore({ path });
    try {
      const versions = store.database.prepare('SELECT version FROM ef_schema_version').pluck().all();
      assert.deepEqual(versions, [1, 2, 3]);
      const columns = store.database
        .prepare('SELECT name FROM pragma_table_info(?)')
        .pluck()
        .all('ef_streams');
      assert.ok(!columns.includes('revision'), 'the copied revision column is gone');

      assert.deepEqual(await store.streamState('live'), {
        streamId: 'live',
        revision: 1,
        deleted: false,
        metadata: {},
      });
      assert.deepEqual(await store.streamState('gone'), {
        streamId: 'gone',
        revision: -1,
        deleted: true,
        metadata: {},
      });
      assert.deepEqual(await store.streamState('empty'), {
        streamId: 'empty',
        revision: -1,
        deleted: false,
        metadata: { maxCount: 5 },
      });

      // The revision comes from the stored events: a stale expectation is refused.
      await assert.rejects(
        store.append('live', [{ type: 'A', data: { n: 4 } }], { expectedRevision: 0 }),
        isConcurrencyError,
      );
      const appended = await store.append('live', [{ type: 'A', data: { n: 4 } }], { expectedRevision: 1 });
      assert.equal(appended.nextExpectedRevision, 2);
      assert.equal(appended.position, 4);
      assert.deepEqual(
        (await store.readStream('live')).map((event) => [event.revision, event.data]),
        [
          [0, { n: 1 }],
          [1, { n: 3 }],
          [2, { n: 4 }],
        ],
      );
      assert.deepEqual(
        (await store.readStream('live', { direction: 'backwards', maxCount: 1 })).map((e) => e.revision),
        [2],
      );

      // A soft-deleted stream restarts as new and continues after its deleted revisions.
      assert.deepEqual(await store.readStream('gone'), []);
      const revived = await store.append('gone', [{ type: 'A', data: { n: 5 } }], {
        expectedRevision: 'no-stream',
      });
      assert.deepEqual(
        revived.events.map((event) => event.revision),
        [1],
      );
      assert.deepEqual(
        (await store.readStream('gone')).map((event) => event.revision),
        [1],
      );

      // A stream that only had metadata gets its first event at revision 0, metadata kept.
      await store.append('empty', [{ type: 'A', data: {} }], { expectedRevision: 'no-stream' });
      assert.deepEqual(await store.streamState('empty'), {
        streamId: 'empty',
        revision: 0,
        deleted: false,
        metadata: { maxCount: 5 },
      });

      const tagged = await store.readByQuery({ tags: ['t:live'] });
      assert.deepEqual(
        tagged.map((event) => event.position),
        [1, 3],
      );
      assert.equal((await store.readAll()).length, 6);
    } finally {
      await store.close();
    }
    // Opening the migrated file again applies nothing twice.
    const again = createSqliteStore({ path });
    try {
      assert.equal((await again.streamState('live')).revision, 2);
    } finally {
      await again.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a new stream gets its row once; later appends do not rewrite it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eventfold-sqlite-streamrow-'));
  try {
    const store = createSqliteStore({ path: join(dir, 'events.db') });
    try {
      await store.append('s', [{ type: 'A', data: {} }]);
      const changes = () => store.database.prepare('SELECT total_changes()').pluck().get() as number;
      const before = changes();
      await store.append('s', [{ type: 'A', data: {} }], { expectedRevision: 0 });
      // No tags: exactly one change, the event row (version 1 also rewrote the stream row).
      assert.equal(changes() - before, 1);
      assert.equal((await store.streamState('s')).revision, 1);
      assert.equal(store.database.prepare('SELECT count(*) FROM ef_streams').pluck().get(), 1);
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * A version-2 file from before the runtime's tables were versioned: the command log and the
 * checkpoints were created by their adapters, outside `ef_schema_version`, and hold data.
 */
const writeVersion2FileWithRuntimeTables = (path: string): void => {
  const store = createSqliteStore({ path });
  store.database.exec('DELETE FROM ef_schema_version WHERE version = 3');
  store.database.exec('DROP TABLE ef_snapshots');
  store.database
    .prepare(
      `INSERT INTO ef_commands (seq, command_id, partition_key, partition_no, type, payload, metadata,
         fingerprint, status, accepted_at) VALUES (1, 'c-1', 'k', 0, 'T', '{}', '{}', 'f', 'accepted', 'now')`,
    )
    .run();
  store.database.prepare("INSERT INTO ef_projection_checkpoints VALUES ('view', 7, 1)").run();
  store.database.close();
};

test('version 3 versions the runtime tables and keeps what an unversioned file already holds', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eventfold-sqlite-migrate-v3-'));
  const path = join(dir, 'events.db');
  try {
    writeVersion2FileWithRuntimeTables(path);
    const store = createSqliteStore({ path });
    try {
      const versions = store.database.prepare('SELECT version FROM ef_schema_version').pluck().all();
      assert.deepEqual(versions, [1, 2, 3]);
      const tables = store.database
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'ef_%' ORDER BY name")
        .pluck()
        .all();
      for (const table of ['ef_commands', 'ef_command_keys', 'ef_projection_checkpoints', 'ef_snapshots'])
        assert.ok(tables.includes(table), `${table} exists`);
      assert.equal(
        store.database.prepare("SELECT status FROM ef_commands WHERE command_id = 'c-1'").pluck().get(),
        'accepted',
      );
      assert.equal(store.database.prepare('SELECT position FROM ef_projection_checkpoints').pluck().get(), 7);
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

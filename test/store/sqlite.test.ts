import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type EventStore,
  isConcurrencyError,
  isConditionFailedError,
  isDuplicateEventIdError,
  isStoreClosedError,
  isValidationError,
  type StoreOptions,
} from 'eventfold';
import { createSqliteStore, type SqliteEventStore, type SqliteStoreOptions } from 'eventfold/sqlite';
import {
  describeEventStoreContract,
  type EventStoreContractBackend,
  type EventStoreContractHandle,
} from 'eventfold/testing';
import { tagWalkSql, typeWalkSql } from '../../src/sqlite/store/query-sql.js';
import { SQL } from '../../src/sqlite/store/statements.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A fresh temp directory with the database path inside; `remove` deletes both. */
const tempDatabase = async (): Promise<{ path: string; remove: () => Promise<void> }> => {
  const dir = await mkdtemp(join(tmpdir(), 'eventfold-sqlite-'));
  return { path: join(dir, 'events.db'), remove: () => rm(dir, { recursive: true, force: true }) };
};

/** Opens stores on one temp file and closes them all, then deletes the file, at the end. */
const openFile = async (options: Partial<SqliteStoreOptions> = {}) => {
  const file = await tempDatabase();
  const opened: SqliteEventStore[] = [];
  const open = (extra: Partial<SqliteStoreOptions> = {}): SqliteEventStore => {
    const store = createSqliteStore({ pollIntervalMs: 20, ...options, ...extra, path: file.path });
    opened.push(store);
    return store;
  };
  return {
    path: file.path,
    open,
    dispose: async () => {
      // The file goes even when a close fails, and the failure still fails the test.
      const closed = await Promise.allSettled(opened.map((store) => store.close()));
      await file.remove();
      for (const outcome of closed) if (outcome.status === 'rejected') throw outcome.reason;
    },
  };
};

const backend: EventStoreContractBackend = {
  name: 'sqlite',
  create: async (options?: StoreOptions): Promise<EventStoreContractHandle> => {
    const file = await openFile(options);
    let current: EventStore = file.open();
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = file.open();
        return current;
      },
      openAnother: async () => file.open(),
      dispose: file.dispose,
    };
  },
};

describeEventStoreContract(backend);

const withFile = async (
  work: (file: Awaited<ReturnType<typeof openFile>>) => Promise<void>,
  options?: Partial<SqliteStoreOptions>,
): Promise<void> => {
  const file = await openFile(options);
  try {
    await work(file);
  } finally {
    await file.dispose();
  }
};

const pragma = (store: SqliteEventStore, name: string): unknown =>
  store.database.pragma(name, { simple: true });

describe('sqlite store: file and schema', () => {
  test('default durability is WAL + synchronous=FULL, with busy_timeout and foreign keys', () =>
    withFile(async (file) => {
      const store = file.open();
      assert.equal(pragma(store, 'journal_mode'), 'wal');
      assert.equal(pragma(store, 'synchronous'), 2, 'FULL');
      assert.ok((pragma(store, 'busy_timeout') as number) > 0);
      assert.equal(pragma(store, 'foreign_keys'), 1);
    }));

  test("durability 'normal' is WAL + synchronous=NORMAL", () =>
    withFile(
      async (file) => {
        const store = file.open();
        assert.equal(pragma(store, 'journal_mode'), 'wal');
        assert.equal(pragma(store, 'synchronous'), 1, 'NORMAL');
      },
      { durability: 'normal' },
    ));

  test('the schema is versioned and opening again applies nothing twice', () =>
    withFile(async (file) => {
      const first = file.open();
      await first.append('s', [{ type: 'A', data: {} }]);
      await first.close();
      const second = file.open();
      const versions = second.database.prepare('SELECT version FROM ef_schema_version').pluck().all();
      assert.deepEqual(versions, [1, 2, 3]);
      assert.equal((await second.readStream('s')).length, 1);
    }));

  test('refuses a file whose schema is newer than this code', () =>
    withFile(async (file) => {
      const store = file.open();
      store.database.prepare("INSERT INTO ef_schema_version VALUES (99, '2099-01-01T00:00:00Z')").run();
      await store.close();
      assert.throws(() => file.open(), isValidationError);
    }));

  test('rejects an empty path', () => {
    assert.throws(() => createSqliteStore({ path: '' }), isValidationError);
  });

  test('reads by stream, position, id, tag and type are index searches, never scans or sorts', () =>
    withFile(async (file) => {
      const store = file.open();
      await store.append('s', [{ type: 'A', data: {}, tags: ['x', 'y'] }]);
      const plans: Record<string, string> = {
        readForwards: SQL.readForwards,
        readBackwards: SQL.readBackwards,
        readAll: SQL.readAll,
        eventById: SQL.eventById,
        streamRow: SQL.streamRow,
        head: SQL.head,
        tagRows: tagWalkSql(1, 0, 'rows'),
        tagsTypeRows: tagWalkSql(3, 2, 'rows'),
        tagNewest: tagWalkSql(1, 0, 'newest'),
        tagsTypeNewest: tagWalkSql(2, 1, 'newest'),
        typeRows: typeWalkSql('rows'),
        typeNewest: typeWalkSql('newest'),
      };
      for (const [name, sql] of Object.entries(plans)) {
        const parameters = Array.from(sql.matchAll(/\?/g), () => 1);
        const rows = store.database.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as {
          detail: string;
        }[];
        const details = rows.map((row) => row.detail);
        for (const detail of details) {
          assert.ok(!/^SCAN/.test(detail), `${name} scans: ${details.join(' / ')}`);
          assert.ok(!/TEMP B-TREE/.test(detail), `${name} sorts: ${details.join(' / ')}`);
        }
        assert.ok(
          details.some((detail) => /^SEARCH/.test(detail)),
          `${name} has no index search: ${details.join(' / ')}`,
        );
      }
    }));
});

describe('sqlite store: group commit', () => {
  test('writes queued together commit in one transaction; a failing one rejects alone', () =>
    withFile(async (file) => {
      const store = file.open();
      const other = file.open();
      const committedCount = other.database.prepare('SELECT count(*) FROM ef_events').pluck();
      // All issued in the same tick, so they share one batch; later ones see earlier ones' effects.
      const results = await Promise.allSettled([
        store.append('ok-1', [{ type: 'X', data: { n: 1 }, id: 'e-1' }], { expectedRevision: 'no-stream' }),
        store.append('ok-1', [{ type: 'X', data: { n: 2 } }], { expectedRevision: 'no-stream' }),
        store.append('cond', [{ type: 'Y', data: {} }], { condition: { query: { types: ['X'] }, after: 0 } }),
        store.transaction((tx) => {
          tx.append('ok-2', [{ type: 'Z', data: {} }]);
          // Another connection sees nothing yet: ok-1 and ok-2 are in the same open transaction.
          return committedCount.get();
        }),
        store.transaction((tx) => {
          tx.append('rolled-back', [{ type: 'Z', data: {} }]);
          throw new Error('work failed');
        }),
        store.append('ok-3', [{ type: 'X', data: {}, id: 'e-1' }]),
        store.append('ok-1', [{ type: 'X', data: { n: 1 }, id: 'e-1' }], { expectedRevision: 'no-stream' }),
        store.append('ok-4', [{ type: 'W', data: {} }]),
      ]);
      const [first, conflict, condition, inBatch, thrown, otherStream, repeat, last] = results;
      assert.equal(first?.status, 'fulfilled');
      assert.ok(conflict?.status === 'rejected' && isConcurrencyError(conflict.reason));
      assert.ok(condition?.status === 'rejected' && isConditionFailedError(condition.reason));
      assert.ok(inBatch?.status === 'fulfilled');
      assert.equal(inBatch.value, 0, 'the batch was not committed while it ran');
      assert.ok(thrown?.status === 'rejected' && (thrown.reason as Error).message === 'work failed');
      assert.ok(otherStream?.status === 'rejected' && isDuplicateEventIdError(otherStream.reason));
      assert.ok(
        repeat?.status === 'fulfilled' && repeat.value.duplicate,
        'a repeat within the batch is idempotent',
      );
      assert.equal(repeat.value.position, 1);
      assert.equal(last?.status, 'fulfilled');
      const log = await other.readAll();
      assert.deepEqual(
        log.map((event) => [event.position, event.streamId]),
        [
          [1, 'ok-1'],
          [2, 'ok-2'],
          [3, 'ok-4'],
        ],
      );
    }));

  test('transaction work commits its own SQL with its appends, and rolls both back on a throw', () =>
    withFile(async (file) => {
      const store = file.open();
      store.database.exec('CREATE TABLE IF NOT EXISTS app_counter (name TEXT PRIMARY KEY, value INTEGER)');
      const bump = store.database.prepare(
        'INSERT INTO app_counter VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1',
      );
      const after: string[] = [];
      await store.transaction((tx) => {
        bump.run('a');
        tx.append('s', [{ type: 'A', data: {} }]);
        tx.afterCommit(() => after.push('committed'));
      });
      await assert.rejects(
        store.transaction((tx) => {
          bump.run('a');
          tx.append('s', [{ type: 'A', data: {} }]);
          tx.afterCommit(() => after.push('never'));
          throw new Error('no');
        }),
      );
      const value = store.database.prepare('SELECT value FROM app_counter WHERE name = ?').pluck().get('a');
      assert.equal(value, 1);
      assert.equal((await store.readStream('s')).length, 1);
      assert.deepEqual(after, ['committed']);
    }));

  test('a caught failing tx.append leaves no partial writes behind', () =>
    withFile(async (file) => {
      const store = file.open();
      await store.append('s', [{ type: 'A', data: {} }]);
      const outcome = await store.transaction((tx) => {
        try {
          tx.append('s', [{ type: 'B', data: {} }], { expectedRevision: 'no-stream' });
          return 'appended';
        } catch (error) {
          return isConcurrencyError(error) ? 'conflict' : 'other';
        }
      });
      assert.equal(outcome, 'conflict');
      assert.equal((await store.readAll()).length, 1);
    }));

  test('asynchronous transaction work is refused and rolled back', () =>
    withFile(async (file) => {
      const store = file.open();
      await assert.rejects(
        store.transaction(async (tx) => {
          tx.append('s', [{ type: 'A', data: {} }]);
        }),
        isValidationError,
      );
      assert.equal(await store.headPosition(), 0);
    }));

  test('work that ends the write transaction itself is refused, and the store keeps working', () =>
    withFile(async (file) => {
      const store = file.open();
      await assert.rejects(
        store.transaction((tx) => {
          tx.append('s', [{ type: 'A', data: {} }]);
          tx.database.exec('ROLLBACK');
        }),
        isValidationError,
      );
      assert.equal(await store.headPosition(), 0);
      assert.equal((await store.append('s', [{ type: 'A', data: {} }])).position, 1);
    }));

  test('inline projections run inside the append; a throwing one aborts only its append', () =>
    withFile(async (file) => {
      const setup = file.open();
      setup.database.exec('CREATE TABLE IF NOT EXISTS rm_counts (stream_id TEXT PRIMARY KEY, n INTEGER)');
      await setup.close();
      const store = file.open({
        inlineProjections: [
          {
            name: 'counts',
            apply: (tx, events) => {
              for (const event of events) {
                if (event.type === 'Poison') throw new Error('poisoned');
                tx.database
                  .prepare(
                    'INSERT INTO rm_counts VALUES (?, 1) ON CONFLICT (stream_id) DO UPDATE SET n = n + 1',
                  )
                  .run(event.streamId);
              }
            },
          },
        ],
      });
      const [good, bad] = await Promise.allSettled([
        store.append('a', [
          { type: 'A', data: {} },
          { type: 'A', data: {} },
        ]),
        store.append('b', [{ type: 'Poison', data: {} }]),
      ]);
      assert.equal(good?.status, 'fulfilled');
      assert.equal(bad?.status, 'rejected');
      const counts = store.database.prepare('SELECT stream_id, n FROM rm_counts ORDER BY stream_id').all();
      assert.deepEqual(counts, [{ stream_id: 'a', n: 2 }]);
      assert.deepEqual(
        (await store.readAll()).map((event) => event.streamId),
        ['a', 'a'],
      );
    }));

  test('close commits writes already queued, then refuses everything', () =>
    withFile(async (file) => {
      const store = file.open();
      const pending = store.append('s', [{ type: 'A', data: {} }]);
      await store.close();
      assert.equal((await pending).position, 1);
      await assert.rejects(store.append('s', [{ type: 'A', data: {} }]), isStoreClosedError);
      await assert.rejects(store.readAll(), isStoreClosedError);
      const again = file.open();
      assert.equal(await again.headPosition(), 1);
    }));
});

interface Ack {
  readonly position: number;
  readonly streamId: string;
  readonly revision: number;
}

/** Runs the crash child until it has acknowledged `wanted` appends, then SIGKILLs it. */
const appendUntilKilled = (path: string, wanted: number): Promise<Ack[]> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=eventfold-source', '--import', 'tsx', join(here, 'sqlite-crash-child.ts'), path, '4'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acks: Ack[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [position, streamId, revision] = line.split(' ');
        acks.push({ position: Number(position), streamId: streamId as string, revision: Number(revision) });
      }
      if (acks.length >= wanted) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });

/**
 * Checks a file written by crash children: every acknowledged append is stored where it was
 * acknowledged, positions are dense from 1 (no duplicate, no hole), every stream's revisions are
 * dense from 0, and SQLite's own integrity and foreign-key checks pass.
 */
const assertConsistent = async (store: SqliteEventStore, acks: readonly Ack[]): Promise<void> => {
  const db = store.database;
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  const log = await store.readAll();
  const byPosition = new Map(log.map((event) => [event.position, event]));
  for (const ack of acks) {
    const stored = byPosition.get(ack.position);
    assert.ok(stored, `acknowledged position ${ack.position} is missing`);
    assert.equal(stored.streamId, ack.streamId);
    assert.equal(stored.revision, ack.revision);
  }
  assert.equal(new Set(acks.map((ack) => ack.position)).size, acks.length, 'no position acknowledged twice');
  assert.deepEqual(
    log.map((event) => event.position),
    log.map((_, index) => index + 1),
  );
  for (const streamId of new Set(log.map((event) => event.streamId))) {
    const events = await store.readStream(streamId);
    assert.deepEqual(
      events.map((event) => event.revision),
      events.map((_, index) => index),
    );
    assert.equal((await store.streamState(streamId)).revision, events.length - 1);
  }
  const tagRows = db.prepare('SELECT count(*) FROM ef_event_tags').pluck().get();
  assert.equal(tagRows, log.length, 'one tag row per event');
};

describe('sqlite store: crash safety and other processes', () => {
  test('every append acknowledged before SIGKILL is in the file, and the file is consistent', () =>
    withFile(async (file) => {
      const acks = await appendUntilKilled(file.path, 400);
      assert.ok(acks.length >= 400);
      const store = file.open();
      await assertConsistent(store, acks);
      // The file stays writable after recovery.
      const head = await store.headPosition();
      const next = await store.append('after-crash', [{ type: 'A', data: {} }]);
      assert.equal(next.position, head + 1);
    }));

  test('two processes appending to one file never share a position', () =>
    withFile(async (file) => {
      const store = file.open();
      await store.append('existing', [{ type: 'A', data: {}, tags: ['writer:x'] }]);
      const [first, second] = await Promise.all([
        appendUntilKilled(file.path, 300),
        appendUntilKilled(file.path, 300),
      ]);
      const acks = [...(first ?? []), ...(second ?? [])];
      await assertConsistent(store, acks);
    }));

  test('a store sees appends made through another connection on the same file', () =>
    withFile(async (file) => {
      const writer = file.open();
      const reader = file.open();
      const seen: number[] = [];
      const subscription = reader.subscribe({
        onEvents: (events) => void seen.push(...events.map((e) => e.position)),
      });
      // The reader's own append signal never fires: only its poll can find these.
      await writer.append('s', [{ type: 'A', data: {} }]);
      await writer.append('s', [{ type: 'A', data: {} }]);
      const deadline = Date.now() + 30_000;
      while (seen.length < 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      await subscription.stop();
      assert.deepEqual(seen, [1, 2]);
      assert.equal(await reader.headPosition(), 2);
    }));
});

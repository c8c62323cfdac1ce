import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Projector, RecordedEvent } from 'eventfold';
import { handle, rebuildProjection, startProjection } from 'eventfold';
import {
  createSqliteTarget,
  prepareSqliteInlineProjection,
  type SqliteProjectionContext,
  sqliteInlineProjection,
} from 'eventfold/sqlite';
import { recordGiven, withTempSqliteStore } from 'eventfold/testing';
import { pino } from 'pino';
import { increment, incrementCounter } from '../commands/examples.test-support.js';

const silent = pino({ level: 'silent' });

/** Totals per counter stream in a table; throws on an increment of 13 after writing part of the batch. */
const totals = (overrides: Partial<Projector<SqliteProjectionContext>> = {}) =>
  ({
    name: 'totals',
    filter: { types: ['Incremented'] },
    init: ({ database }) => {
      database.exec(
        'CREATE TABLE IF NOT EXISTS rm_totals (stream TEXT PRIMARY KEY, total INTEGER NOT NULL, events INTEGER NOT NULL)',
      );
    },
    apply: ({ database }, events) => {
      const upsert = database.prepare(
        `INSERT INTO rm_totals (stream, total, events) VALUES (?, ?, 1)
         ON CONFLICT (stream) DO UPDATE SET total = total + excluded.total, events = events + 1`,
      );
      for (const event of events) {
        upsert.run(event.streamId, event.data.by);
        if (event.data.by === 13) throw new Error(`unlucky event at ${event.position}`);
      }
    },
    reset: ({ database }) => {
      database.exec('DROP TABLE IF EXISTS rm_totals');
    },
    ...overrides,
  }) satisfies Projector<SqliteProjectionContext>;

type Row = { stream: string; total: number; events: number };
const rows = (database: import('better-sqlite3').Database): Row[] =>
  database.prepare('SELECT stream, total, events FROM rm_totals ORDER BY stream').all() as Row[];

describe('projections (SQLite target, same file as the events)', () => {
  it('commits the read model and the checkpoint together: a throw mid-batch leaves neither, a restart resumes once', () =>
    withTempSqliteStore(async ({ store, reopen }) => {
      for (const by of [1, 2, 3]) await handle(store, incrementCounter, increment('a', by));
      const target = createSqliteTarget(store);
      const first = startProjection({ store, projector: totals(), target, logger: silent });
      assert.equal(await first.waitForPosition(3), true);
      // One batch: a good event, then the unlucky one. Both are rolled back with the checkpoint.
      await store.append('counter-b', [
        { type: 'Incremented', data: { by: 5 } },
        { type: 'Incremented', data: { by: 13 } },
      ]);
      await assert.rejects(first.done, /unlucky event at 5/);
      assert.deepEqual(rows(store.database), [{ stream: 'counter-a', total: 6, events: 3 }]);
      assert.deepEqual(await target.readCheckpoint('totals'), { position: 3, version: 1 });

      // Restart on the same file (a new process would do the same) with a fixed projector.
      const restarted = await reopen();
      const fixed = totals({
        apply: (ctx, events) =>
          totals().apply(
            ctx,
            events.filter((event) => event.data.by !== 13),
          ),
      });
      const second = startProjection({
        store: restarted,
        projector: fixed,
        target: createSqliteTarget(restarted),
        logger: silent,
      });
      assert.equal(await second.waitForPosition(5), true);
      assert.deepEqual(rows(restarted.database), [
        { stream: 'counter-a', total: 6, events: 3 },
        { stream: 'counter-b', total: 5, events: 1 },
      ]);
      await second.stop();
    }));

  it('rebuild equals the live result; lag reports what is left', () =>
    withTempSqliteStore(async ({ store }) => {
      for (let index = 0; index < 30; index += 1)
        await handle(store, incrementCounter, increment(`c${index % 4}`, (index % 3) + 1));
      const target = createSqliteTarget(store);
      const live = startProjection({ store, projector: totals(), target, batchSize: 7, logger: silent });
      await live.waitForPosition(30);
      assert.deepEqual(await live.lag(), { checkpoint: 30, head: 30, behind: 0 });
      await live.stop();
      const before = rows(store.database);
      await store.append('counter-late', [{ type: 'Incremented', data: { by: 1 } }]);
      assert.deepEqual(await live.lag(), { checkpoint: 30, head: 31, behind: 1 });
      const progress: number[] = [];
      const last = await rebuildProjection({
        store,
        projector: totals(),
        target,
        batchSize: 10,
        onProgress: ({ position }) => progress.push(position),
        logger: silent,
      });
      assert.equal(last, 31);
      assert.deepEqual(progress, [0, 10, 20, 30, 31]);
      assert.deepEqual(
        rows(store.database).filter((row) => row.stream !== 'counter-late'),
        before,
      );
    }));

  it('inline: the read model is written in the append transaction, and a throw aborts the append', () =>
    withTempSqliteStore(async ({ store, reopen }) => {
      // Events stored before the projection existed are caught up when it is prepared.
      await handle(store, incrementCounter, increment('early', 4));
      await store.close();
      const projector = totals();
      const inline = await reopen({ inlineProjections: [sqliteInlineProjection(projector)] });
      assert.equal(await prepareSqliteInlineProjection(inline, projector), 1);
      await handle(inline, incrementCounter, increment('x', 2));
      // No waiting: read-your-writes by construction.
      assert.deepEqual(rows(inline.database), [
        { stream: 'counter-early', total: 4, events: 1 },
        { stream: 'counter-x', total: 2, events: 1 },
      ]);
      await assert.rejects(handle(inline, incrementCounter, increment('x', 13)), /unlucky/);
      assert.equal((await inline.readStream('counter-x')).length, 1, 'the append was rolled back');
      // Preparing again (a restart) applies nothing twice: the checkpoint guards it.
      assert.equal(await prepareSqliteInlineProjection(inline, projector), 2);
      assert.deepEqual(rows(inline.database)[1], { stream: 'counter-x', total: 2, events: 1 });
      // The same checkpoint lets the async runtime rebuild it.
      await rebuildProjection({
        store: inline,
        projector,
        target: createSqliteTarget(inline),
        logger: silent,
      });
      assert.deepEqual(rows(inline.database), [
        { stream: 'counter-early', total: 4, events: 1 },
        { stream: 'counter-x', total: 2, events: 1 },
      ]);
    }));

  it('the checkpoint is a compare-and-set: a batch at or below it is skipped, a reset always runs', () =>
    withTempSqliteStore(async ({ store }) => {
      const target = createSqliteTarget(store);
      await target.setup();
      await target.transact('totals', (ctx) => totals().init?.(ctx));
      const [first, second] = recordGiven([
        { type: 'Incremented', data: { by: 1 }, streamId: 'counter-a' },
        { type: 'Incremented', data: { by: 2 }, streamId: 'counter-a' },
      ]);
      assert.ok(first && second);
      const apply = (event: RecordedEvent) =>
        target.transact('totals', (ctx) => totals().apply(ctx, [event]), {
          position: event.position,
          version: 1,
        });
      await apply(first);
      await apply(second);
      await apply(first);
      await apply(second);
      assert.deepEqual(rows(store.database), [{ stream: 'counter-a', total: 3, events: 2 }]);
      await target.transact('totals', (ctx) => totals().reset(ctx), { position: 0, version: 1 });
      assert.deepEqual(await target.readCheckpoint('totals'), { position: 0, version: 1 });
    }));
});

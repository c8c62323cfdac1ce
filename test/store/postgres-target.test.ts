/** The PostgreSQL projection target: its checkpoint is a compare-and-set, so racing nodes apply a batch once. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Projector, type SqlProjectionContext, type SqlReader, sql } from 'eventfold';
import { createPostgresTarget, type PostgresTarget } from 'eventfold/postgres';
import { recordGiven, withTempPostgresStore } from 'eventfold/testing';
import { DATABASE_URL } from './postgres-support.js';

const counts = sql.table('race_counts');

/** Adds each event's `by` to its stream's total: applying a batch twice would double it. */
const totals: Projector<SqlProjectionContext> = {
  name: 'race-totals',
  init: (ctx) => {
    ctx.run(sql`CREATE TABLE IF NOT EXISTS ${counts} (stream_id text PRIMARY KEY, total bigint NOT NULL)`);
  },
  apply: (ctx, events) => {
    // Holds the transaction open a moment, so the two nodes' batches overlap.
    ctx.run(sql`SELECT pg_sleep(0.005)`);
    for (const event of events)
      ctx.run(sql`INSERT INTO ${counts} (stream_id, total) VALUES (${event.streamId}, ${Number(event.data.by)})
        ON CONFLICT (stream_id) DO UPDATE SET total = ${counts}.total + excluded.total`);
  },
  reset: (ctx) => {
    ctx.run(sql`DELETE FROM ${counts}`);
  },
};

const totalOf = async (reader: SqlReader, streamId: string): Promise<number | undefined> => {
  const row = await reader.get<{ total: string }>(
    sql`SELECT total FROM ${counts} WHERE stream_id = ${streamId}`,
  );
  return row && Number(row.total);
};

/** Applies a batch with its checkpoint, as `startProjection` does on every node. */
const applyOn = (target: PostgresTarget, events: ReturnType<typeof recordGiven>) =>
  target.transact(totals.name, (ctx) => totals.apply(ctx, events), {
    position: events[events.length - 1]?.position ?? 0,
    version: 1,
  });

describe('PostgreSQL target', () => {
  it('two nodes racing the same batches apply each batch once', () =>
    withTempPostgresStore({ connectionString: DATABASE_URL }, async ({ store, open }) => {
      // Two stores, two pools: two application nodes on one schema.
      const nodeA = createPostgresTarget(store);
      const nodeB = createPostgresTarget(open());
      await nodeA.setup();
      await nodeA.transact(totals.name, (ctx) => totals.init?.(ctx));
      const events = recordGiven(
        Array.from({ length: 40 }, (_, index) => ({ type: 'Added', data: { by: index + 1 }, streamId: 's' })),
      );
      for (let at = 0; at < events.length; at += 4) {
        const batch = events.slice(at, at + 4);
        await Promise.all([applyOn(nodeA, batch), applyOn(nodeB, batch)]);
      }
      assert.equal(await totalOf(nodeA.reader, 's'), (40 * 41) / 2);
      assert.deepEqual(await nodeB.readCheckpoint(totals.name), { position: 40, version: 1 });

      // A stale batch arriving late (a node that lagged) changes nothing; a reset always runs.
      await applyOn(nodeB, events.slice(0, 4));
      assert.equal(await totalOf(nodeB.reader, 's'), (40 * 41) / 2);
      await nodeB.transact(totals.name, (ctx) => totals.reset(ctx), { position: 0, version: 1 });
      assert.equal(await totalOf(nodeA.reader, 's'), undefined);
      assert.deepEqual(await nodeA.readCheckpoint(totals.name), { position: 0, version: 1 });
    }));

  it('a failing statement fails the batch and leaves neither rows nor checkpoint', () =>
    withTempPostgresStore({ connectionString: DATABASE_URL }, async ({ store }) => {
      const target = createPostgresTarget(store);
      await target.setup();
      await target.transact(totals.name, (ctx) => totals.init?.(ctx));
      const [first] = recordGiven([{ type: 'Added', data: { by: 1 }, streamId: 's' }]);
      assert.ok(first);
      await assert.rejects(
        target.transact(
          totals.name,
          (ctx) => {
            totals.apply(ctx, [first]);
            ctx.run(sql`INSERT INTO ${sql.table('missing_table')} VALUES (${1})`);
          },
          { position: 1, version: 1 },
        ),
        /missing_table/,
      );
      assert.equal(await totalOf(target.reader, 's'), undefined);
      assert.equal(await target.readCheckpoint(totals.name), undefined);
    }));

  it('nodes starting one read model at once create its tables without tripping over each other', () =>
    withTempPostgresStore({ connectionString: DATABASE_URL }, async ({ store, open }) => {
      // Concurrent CREATE TABLE IF NOT EXISTS of one name can both try to create its row type; the
      // target runs a projection's init and reset one at a time.
      const nodes = [store, open(), open()].map(createPostgresTarget);
      await nodes[0]?.setup();
      await Promise.all(
        nodes.flatMap((node) => [
          node.transact(totals.name, (ctx) => totals.init?.(ctx)),
          node.transact(totals.name, (ctx) => totals.init?.(ctx)),
        ]),
      );
      assert.equal(await totalOf(nodes[1]!.reader, 's'), undefined);
    }));
});

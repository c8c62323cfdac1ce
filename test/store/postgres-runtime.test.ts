/** The runtime on PostgreSQL: projections with checkpoints in the read model's transaction, and the queue on two nodes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCommandQueue, type Projector, startProjection } from 'eventfold';
import {
  createPostgresCommandLog,
  createPostgresTarget,
  type PostgresProjectionContext,
} from 'eventfold/postgres';
import { pino } from 'pino';
import { add, addCommand, counterStream } from '../../src/queue/counter.test-support.js';
import { openSchema } from './postgres-support.js';

const silent = pino({ level: 'silent' });

/** Counts events per stream in a table beside the events; throws on an event marked poison. */
const perStream: Projector<PostgresProjectionContext> = {
  name: 'per-stream',
  init: async (tx) => {
    await tx.query(
      `create table if not exists ${tx.schema}.per_stream (stream_id text primary key, n integer not null)`,
    );
  },
  apply: async (tx, events) => {
    for (const event of events) {
      if (event.data.poison === true) throw new Error(`poisoned at ${event.position}`);
      await tx.query(
        `insert into ${tx.schema}.per_stream values ($1, 1) on conflict (stream_id) do update set n = per_stream.n + 1`,
        [event.streamId],
      );
    }
  },
  reset: async (tx) => {
    await tx.query(`delete from ${tx.schema}.per_stream`);
  },
};

describe('PostgreSQL runtime', () => {
  it('a projection commits its rows with its checkpoint; a failing batch leaves neither', async () => {
    const schema = openSchema();
    try {
      const store = schema.open();
      const target = createPostgresTarget(store);
      for (let index = 0; index < 6; index += 1)
        await store.append(`s-${index % 2}`, [{ type: 'A', data: {} }]);
      const projection = startProjection({
        store,
        projector: perStream,
        target,
        batchSize: 4,
        logger: silent,
      });
      assert.equal(await projection.waitForPosition(6), true);
      const counts = async () =>
        (
          await store.transaction((tx) =>
            tx.query<{ stream_id: string; n: number }>(
              `select * from ${tx.schema}.per_stream order by stream_id`,
            ),
          )
        ).rows;
      assert.deepEqual(await counts(), [
        { stream_id: 's-0', n: 3 },
        { stream_id: 's-1', n: 3 },
      ]);
      await store.append('s-0', [
        { type: 'A', data: {} },
        { type: 'A', data: { poison: true } },
      ]);
      await assert.rejects(projection.done, /poisoned at 8/);
      assert.equal((await target.readCheckpoint('per-stream'))?.position, 6);
      assert.deepEqual(await counts(), [
        { stream_id: 's-0', n: 3 },
        { stream_id: 's-1', n: 3 },
      ]);
    } finally {
      await schema.dispose();
    }
  });

  it('two queue nodes share one command log: every command applied once, per-counter order kept', async () => {
    const schema = openSchema();
    const stores = [schema.open(), schema.open()];
    const logs = stores.map((store) =>
      createPostgresCommandLog({ store, partitionCount: 8, rebalanceMs: 50 }),
    );
    const queues = stores.map((store, index) =>
      createCommandQueue({
        store,
        log: logs[index] as (typeof logs)[number],
        commands: [addCommand()],
        pollIntervalMs: 50,
        ownerId: `node-${index}`,
      }),
    );
    try {
      await Promise.all(queues.map((queue) => queue.start()));
      const ids: string[] = [];
      for (let index = 0; index < 60; index += 1) {
        const queue = queues[index % 2] as (typeof queues)[number];
        const { record } = await queue.enqueue(add(`c${index % 6}`, 1), { commandId: `cmd-${index}` });
        ids.push(record.commandId);
      }
      const final = async () => {
        const records = await Promise.all(ids.map((id) => logs[0]?.get(id)));
        return records.every((record) => record?.status === 'succeeded');
      };
      const deadline = Date.now() + 60_000;
      while (!(await final())) {
        assert.ok(Date.now() < deadline, 'commands still pending');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      for (let counter = 0; counter < 6; counter += 1) {
        const events = await stores[0]?.readStream(counterStream(`c${counter}`));
        // Ten commands of +1 each, applied once each, in order: totals 1..10.
        assert.deepEqual(
          events?.map((event) => event.data.total),
          Array.from({ length: 10 }, (_, index) => index + 1),
        );
      }
    } finally {
      for (const queue of queues) await queue.stop();
      for (const log of logs) await log.close();
      await schema.dispose();
    }
  });
});

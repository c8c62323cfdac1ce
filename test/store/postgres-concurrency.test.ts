/**
 * The in-flight transaction problem: positions must become visible in order, so a live subscriber
 * never moves its checkpoint past an event that commits later with a lower position.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConcurrencyError, type RecordedEvent } from 'eventfold';
import type { PostgresEventStore } from 'eventfold/postgres';
import { gate, until } from '../../src/testing/contracts/event-store/support.js';
import { adminQuery, openSchema } from './postgres-support.js';

const WRITERS = 8;
const ROUNDS = 40;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A deterministic pseudo-random sequence per writer, so a failure can be replayed. */
const random = (seed: number) => {
  let state = seed;
  return (): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
};

/**
 * One writer on its own pool: plain appends (group-committed), transactions that hold their
 * positions open for a while before committing, and transactions that roll back after appending.
 */
const runWriter = async (store: PostgresEventStore, writer: number): Promise<string[]> => {
  const next = random(writer + 1);
  const committed: string[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const streamId = `w${writer}-s${round % 5}`;
    const events = Array.from({ length: 1 + Math.floor(next() * 3) }, (_, index) => ({
      type: 'Written',
      data: { writer, round, index },
    }));
    const kind = next();
    if (kind < 0.5) {
      const result = await store.append(streamId, events);
      committed.push(...result.events.map((event) => event.id));
    } else if (kind < 0.85) {
      const result = await store.transaction(async (tx) => {
        const appended = await tx.append(streamId, events);
        // Hold the transaction open after taking positions: the late commit readers must not skip.
        await sleep(Math.floor(next() * 4));
        return appended;
      });
      committed.push(...result.events.map((event) => event.id));
    } else {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.append(streamId, events);
          throw new Error('rolled back on purpose');
        }),
        /rolled back on purpose/,
      );
    }
  }
  return committed;
};

test('a live subscriber sees every committed event once, in order, under concurrent writers on separate connections', async () => {
  const schema = openSchema({ pollIntervalMs: 200 });
  try {
    const reader = schema.open();
    await reader.ready();
    const delivered: RecordedEvent[] = [];
    const subscription = reader.subscribe({
      batchSize: 7,
      onEvents: (events) => void delivered.push(...events),
    });
    const writers = Array.from({ length: WRITERS }, () => schema.open({ poolSize: 2 }));
    const committed = (await Promise.all(writers.map((store, index) => runWriter(store, index)))).flat();
    const head = await reader.headPosition();
    assert.equal(head, committed.length, 'rolled-back appends leave no positions behind');
    await until(() => subscription.position() >= head, 'the subscriber to reach the head');
    await subscription.stop();
    assert.deepEqual(
      delivered.map((event) => event.position),
      Array.from({ length: head }, (_, index) => index + 1),
      'no gap, no duplicate, in position order',
    );
    assert.deepEqual(new Set(delivered.map((event) => event.id)), new Set(committed));
    // Per stream, revisions are gapless and in position order too.
    const byStream = new Map<string, number[]>();
    for (const event of delivered)
      byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event.revision]);
    for (const [streamId, revisions] of byStream)
      assert.deepEqual(
        revisions,
        Array.from({ length: revisions.length }, (_, index) => index),
        streamId,
      );
  } finally {
    await schema.dispose();
  }
});

test('an append waits behind an open transaction holding a lower position; readers see neither until it commits', async () => {
  const schema = openSchema();
  try {
    const [first, second, reader] = [schema.open(), schema.open(), schema.open()];
    await Promise.all([first.ready(), second.ready(), reader.ready()]);
    const delivered: number[] = [];
    const subscription = reader.subscribe({
      onEvents: (events) => void delivered.push(...events.map((e) => e.position)),
    });
    const release = gate();
    const appended = gate();
    const inFlight = first.transaction(async (tx) => {
      const result = await tx.append('early', [{ type: 'TakenFirst', data: {} }]);
      appended.open();
      await release.wait;
      return result;
    });
    await appended.wait;
    const late = second.append('late', [{ type: 'TakenSecond', data: {} }]);
    // Proof that the second append reached the server and is blocked on the append lock.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const waiting = await adminQuery(
        `select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like $1`,
        [`%"${schema.schema}".append_batch%`],
      );
      if (waiting.length > 0) break;
      assert.ok(Date.now() < deadline, 'the second append never waited on the lock');
      await sleep(5);
    }
    assert.deepEqual(await reader.readAll(), []);
    assert.equal(await reader.headPosition(), 0);
    release.open();
    const [early, later] = await Promise.all([inFlight, late]);
    assert.equal(early.position, 1);
    assert.equal(later.position, 2);
    await until(() => delivered.length === 2, 'both events');
    await subscription.stop();
    assert.deepEqual(delivered, [1, 2]);
  } finally {
    await schema.dispose();
  }
});

test('group commit keeps each append its own checks, result and order', async () => {
  const schema = openSchema();
  try {
    const store = schema.open();
    await store.ready();
    // Same streams within one batch (appends depend on each other): call order is stream order.
    const sameStreams = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        store.append(`shared-${index % 4}`, [{ type: 'Step', data: { index } }]),
      ),
    );
    for (let stream = 0; stream < 4; stream += 1) {
      const read = await store.readStream(`shared-${stream}`);
      assert.deepEqual(
        read.map((event) => event.data.index),
        Array.from({ length: 10 }, (_, n) => n * 4 + stream),
      );
    }
    assert.deepEqual(
      sameStreams.map((result) => result.position).sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, index) => index + 1),
    );
    // Distinct streams, half of them failing their expectation in the same batch.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, index) =>
        store.append(
          `fresh-${index}`,
          [
            { type: 'Opened', data: {} },
            { type: 'Noted', data: {} },
          ],
          {
            expectedRevision: index % 2 === 0 ? 'no-stream' : 'exists',
          },
        ),
      ),
    );
    const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    assert.equal(won.length, 20);
    for (const [index, outcome] of outcomes.entries()) {
      if (index % 2 === 0) assert.equal(outcome.status, 'fulfilled');
      else
        assert.ok(
          outcome.status === 'rejected' && isConcurrencyError(outcome.reason) && outcome.reason.actual === -1,
        );
    }
    assert.deepEqual(
      won.flatMap((result) => result.events.map((event) => event.position)).sort((a, b) => a - b),
      Array.from({ length: 40 }, (_, index) => index + 41),
    );
    for (const result of won)
      assert.deepEqual(
        (await store.readStream(result.streamId)).map((e) => e.id),
        result.events.map((e) => e.id),
      );
    assert.equal(await store.headPosition(), 80);
  } finally {
    await schema.dispose();
  }
});

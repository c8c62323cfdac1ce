/** Races: optimistic concurrency and DCB under concurrent writers, and a live reader among them. */
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { RecordedEvent } from '../../../core/envelope.js';
import { isConcurrencyError, isConditionFailedError } from '../../../core/errors.js';
import type { EventStore } from '../../../core/store.js';
import type { EventStoreContractBackend, EventStoreContractHandle } from './support.js';
import {
  assertIncreasing,
  ev,
  evs,
  positions,
  readWholeLog,
  requireCapability,
  revisions,
  until,
  withStore,
} from './support.js';

const RACERS = 12;

/** Writers spread over the handle's store and, when supported, two more independent instances. */
const writerStores = async (
  handle: EventStoreContractHandle,
  crossInstance: boolean,
): Promise<EventStore[]> => {
  if (!crossInstance || !handle.openAnother) return [handle.store];
  return [handle.store, await handle.openAnother(), await handle.openAnother()];
};

const settle = async <T>(attempts: readonly Promise<T>[]) => {
  const outcomes = await Promise.allSettled(attempts);
  const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
  const lost = outcomes.flatMap((outcome) =>
    outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
  );
  return { won, lost };
};

/** `RACERS` appends of one event to one stream, all expecting the same revision. */
const raceExpectedRevision =
  (given: number, expectedRevision: number | 'no-stream') =>
  async (handle: EventStoreContractHandle, crossInstance: boolean): Promise<void> => {
    const { store } = handle;
    if (given > 0) await store.append('contested', evs(given));
    const writers = await writerStores(handle, crossInstance);
    const { won, lost } = await settle(
      Array.from({ length: RACERS }, (_, index) =>
        (writers[index % writers.length] as EventStore).append('contested', [ev('Claimed', { by: index })], {
          expectedRevision,
        }),
      ),
    );
    assert.equal(won.length, 1, 'exactly one append wins');
    assert.equal(lost.length, RACERS - 1);
    for (const error of lost) {
      assert.ok(isConcurrencyError(error), `unexpected error: ${String(error)}`);
      assert.equal(error.expected, expectedRevision);
      // The winner's event is the stream's last: every loser learns its revision.
      assert.equal(error.actual, given);
    }
    assert.deepEqual(
      revisions(await store.readStream('contested')),
      Array.from({ length: given + 1 }, (_, index) => index),
    );
    assert.equal((await store.readAll()).length, given + 1);
  };

/** Appends with `any` never lose an update nor share a revision. */
const raceAny = async (handle: EventStoreContractHandle, crossInstance: boolean): Promise<void> => {
  const { store } = handle;
  const writers = await writerStores(handle, crossInstance);
  const results = await Promise.all(
    Array.from({ length: RACERS }, (_, index) =>
      (writers[index % writers.length] as EventStore).append('shared', evs(2, 'Added', index * 2)),
    ),
  );
  for (const result of results) {
    const [first, second] = revisions(result.events);
    assert.equal(second, (first ?? -2) + 1, 'an append got non-adjacent revisions');
    assert.equal(result.nextExpectedRevision, second);
  }
  const stream = await store.readStream('shared');
  assert.deepEqual(
    revisions(stream),
    Array.from({ length: RACERS * 2 }, (_, index) => index),
  );
  assertIncreasing(positions(stream), 'positions of the stream');
  assert.equal(new Set(stream.map((event) => event.id)).size, RACERS * 2);
};

/** The same append sent concurrently (a client retrying): stored once, every caller gets it. */
const raceRepeat = async (handle: EventStoreContractHandle, crossInstance: boolean): Promise<void> => {
  const { store } = handle;
  const writers = await writerStores(handle, crossInstance);
  const batch = [ev('Paid', { amount: 5 }, { id: 'pay-1' }), ev('Receipted', {}, { id: 'receipt-1' })];
  const results = await Promise.all(
    Array.from({ length: RACERS }, (_, index) =>
      (writers[index % writers.length] as EventStore).append('payment', batch),
    ),
  );
  assert.equal(results.filter((result) => !result.duplicate).length, 1, 'exactly one append stores');
  const stored = await store.readStream('payment');
  assert.deepEqual(
    stored.map((event) => event.id),
    ['pay-1', 'receipt-1'],
  );
  for (const result of results) assert.deepEqual(result.events, stored);
  assert.equal((await store.readAll()).length, 2);
};

const raceCondition = async (handle: EventStoreContractHandle, crossInstance: boolean): Promise<void> => {
  const { store } = handle;
  await store.append('truck-T7', [ev('TruckRegistered', {}, { tags: ['truck:T7'] })]);
  await store.append('noise', [ev('TruckRegistered', {}, { tags: ['truck:T8'] })]);
  const after = await store.headPosition();
  const writers = await writerStores(handle, crossInstance);
  const { won, lost } = await settle(
    Array.from({ length: RACERS }, (_, index) =>
      (writers[index % writers.length] as EventStore).append(
        `booking-${index}`,
        [ev('TruckBooked', { index }, { tags: ['truck:T7'] })],
        {
          condition: { query: { tags: ['truck:T7'] }, after },
        },
      ),
    ),
  );
  assert.equal(won.length, 1, 'exactly one conditional append wins');
  const winner = won[0]?.value;
  assert.ok(winner);
  for (const error of lost) {
    assert.ok(isConditionFailedError(error), `unexpected error: ${String(error)}`);
    assert.equal(error.after, after);
    assert.equal(error.conflictingPosition, winner.position);
  }
  assert.deepEqual(positions(await store.readByQuery({ types: ['TruckBooked'] })), [winner.position]);
};

const crossInstance = async (
  t: TestContext,
  backend: EventStoreContractBackend,
  race: (handle: EventStoreContractHandle, crossInstance: boolean) => Promise<void>,
): Promise<void> => {
  await withStore(backend, async (handle) => {
    if (requireCapability(t, handle.openAnother, 'openAnother')) await race(handle, true);
  });
};

/**
 * A live subscriber among many concurrent writers must see every event exactly once, in global
 * position order — the "in-flight transaction" hazard: a reader that moves past a position
 * while a lower one is still uncommitted skips it forever.
 */
const liveReaderAmongWriters = async (
  handle: EventStoreContractHandle,
  crossInstance: boolean,
): Promise<void> => {
  const { store } = handle;
  const WRITERS = 8;
  const EVENTS_PER_WRITER = 200;
  const delivered: RecordedEvent[] = [];
  let batches = 0;
  const subscription = store.subscribe({
    batchSize: 64,
    onEvents: async (batch) => {
      delivered.push(...batch);
      batches += 1;
      // A slow handler now and then lets writers run ahead of the reader.
      if (batches % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    },
  });
  const writers = await writerStores(handle, crossInstance);
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      const target = writers[writer % writers.length] as EventStore;
      let written = 0;
      let expectedRevision = -1;
      while (written < EVENTS_PER_WRITER) {
        // Alternate single and double appends so transactions of different sizes interleave.
        const size = written % 3 === 0 ? 2 : 1;
        const result = await target.append(`writer-${writer}`, evs(size, 'Written', written), {
          expectedRevision: expectedRevision < 0 ? 'no-stream' : expectedRevision,
        });
        expectedRevision = result.nextExpectedRevision;
        written += size;
      }
    }),
  );
  const head = await store.headPosition();
  await until(() => (delivered.at(-1)?.position ?? 0) >= head, 'the subscriber to reach the head', 60_000);
  await subscription.stop();
  const log = await readWholeLog(store);
  assert.equal(log.length, WRITERS * EVENTS_PER_WRITER);
  const deliveredPositions = positions(delivered);
  assert.equal(new Set(deliveredPositions).size, deliveredPositions.length, 'an event was delivered twice');
  assertIncreasing(deliveredPositions, 'delivered positions');
  assert.deepEqual(deliveredPositions, positions(log), 'delivered positions differ from the log');
  assert.deepEqual(
    delivered.map((event) => event.id),
    log.map((event) => event.id),
  );
  for (let writer = 0; writer < WRITERS; writer += 1) {
    const stream = await store.readStream(`writer-${writer}`);
    assert.deepEqual(
      stream.map((event) => event.revision),
      Array.from({ length: EVENTS_PER_WRITER }, (_, index) => index),
    );
  }
};

export const describeRaces = (backend: EventStoreContractBackend): void => {
  describe('races', () => {
    const races: ReadonlyArray<
      [string, (handle: EventStoreContractHandle, crossInstance: boolean) => Promise<void>]
    > = [
      [`${RACERS} appends expecting the same revision: exactly one wins`, raceExpectedRevision(1, 0)],
      [
        `${RACERS} appends creating the same stream (no-stream): exactly one wins`,
        raceExpectedRevision(0, 'no-stream'),
      ],
      [`${RACERS} appends with any to one stream: all stored, adjacent revisions, none shared`, raceAny],
      [`${RACERS} identical appends (same ids): stored once, all answered with it`, raceRepeat],
      [`${RACERS} conditional appends on the same tag: exactly one wins`, raceCondition],
    ];
    for (const [name, race] of races) {
      test(name, () => withStore(backend, (handle) => race(handle, false)));
      test(`${name}, across store instances`, (t) => crossInstance(t, backend, race));
    }

    test('a live subscriber misses nothing while 8 writers append 200 events each', () =>
      withStore(backend, (handle) => liveReaderAmongWriters(handle, false)));

    test('a live subscriber misses nothing while writers on other instances append', (t) =>
      crossInstance(t, backend, liveReaderAmongWriters));
  });
};

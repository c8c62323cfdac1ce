/** close(): every later operation fails with StoreClosedError, and subscriptions stop. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RecordedEvent } from '../../../core/envelope.js';
import { isStoreClosedError } from '../../../core/errors.js';
import type { EventStore } from '../../../core/store.js';
import type { EventStoreContractBackend } from './support.js';
import { evs, rejectsWith, settles, subscribeOutcome, until, withStore } from './support.js';

const operations: ReadonlyArray<[string, (store: EventStore) => Promise<unknown>]> = [
  ['append', (store) => store.append('s', evs(1))],
  ['readStream', (store) => store.readStream('s')],
  ['readAll', (store) => store.readAll()],
  ['readAllPage', (store) => store.readAllPage({ maxCount: 1 })],
  ['readByQuery', (store) => store.readByQuery({ types: ['Happened'] })],
  ['headPosition', (store) => store.headPosition()],
  ['streamState', (store) => store.streamState('s')],
  ['setStreamMetadata', (store) => store.setStreamMetadata('s', { maxCount: 1 })],
  ['deleteStream', (store) => store.deleteStream('s')],
  ['truncateStream', (store) => store.truncateStream('s', 1)],
  // A subscription may refuse at once or end with the error: both are a failure the caller sees.
  ['subscribe', async (store) => subscribeOutcome(store, { onEvents: () => undefined })],
];

export const describeClose = (backend: EventStoreContractBackend): void => {
  describe('close', () => {
    for (const [name, operation] of operations)
      test(`${name} after close fails with StoreClosedError`, () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(2));
          await store.close();
          await rejectsWith(operation(store), isStoreClosedError);
        }));

    test('close is idempotent', () =>
      withStore(backend, async ({ store }) => {
        await store.close();
        await store.close();
      }));

    test('close stops running subscriptions, which resolve done', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(2));
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribe({ onEvents: (batch) => void seen.push(...batch) });
        const idle = store.subscribe({ after: 2_000_000, onEvents: () => undefined });
        try {
          await until(() => seen.length === 2, 'the subscriber');
          await store.close();
          await settles(subscription.done, 'the running subscription to end');
          await settles(idle.done, 'the idle subscription to end');
          assert.equal(seen.length, 2);
        } finally {
          // Stopped here too when close did not, so a failing backend cannot hang the test process.
          await Promise.all([subscription.stop(), idle.stop()]);
        }
      }));
  });
};

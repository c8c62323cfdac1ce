/** Idempotency: a repeated append (same event ids) stores nothing; a conflicting reuse is an error. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isConcurrencyError, isDuplicateEventIdError, isValidationError } from '../../../core/errors.js';
import type { EventStoreContractBackend } from './support.js';
import { ev, rejectsWith, withStore } from './support.js';

export const describeIdempotency = (backend: EventStoreContractBackend): void => {
  describe('idempotency', () => {
    const batch = [ev('A', { n: 1 }, { id: 'id-1' }), ev('B', { n: 2 }, { id: 'id-2' })];

    test('repeating the same append stores nothing and returns the original records', () =>
      withStore(backend, async ({ store }) => {
        const first = await store.append('s', batch, { expectedRevision: 'no-stream' });
        const head = await store.headPosition();
        const again = await store.append('s', batch);
        assert.equal(again.duplicate, true);
        assert.deepEqual(again.events, first.events);
        assert.equal(again.position, first.position);
        assert.equal(again.nextExpectedRevision, 1);
        assert.equal(await store.headPosition(), head);
        assert.equal((await store.readStream('s')).length, 2);
      }));

    test('a repeat succeeds even when its expectedRevision no longer holds', () =>
      withStore(backend, async ({ store }) => {
        const first = await store.append('s', batch, { expectedRevision: 'no-stream' });
        await store.append('s', [ev('C', {})]);
        const head = await store.headPosition();
        const again = await store.append('s', batch, { expectedRevision: 'no-stream' });
        assert.equal(again.duplicate, true);
        assert.deepEqual(again.events, first.events);
        // The stream's last revision after the (repeated) append: the caller can continue from it.
        assert.equal(again.nextExpectedRevision, 2);
        assert.equal(await store.headPosition(), head);
        assert.deepEqual(
          (await store.readStream('s')).map((event) => event.type),
          ['A', 'B', 'C'],
        );
      }));

    test('a repeat on a soft-deleted stream returns a nextExpectedRevision that append accepts back', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', batch, { expectedRevision: 'no-stream' });
        await store.deleteStream('s');
        const again = await store.append('s', batch);
        assert.equal(again.duplicate, true);
        // No live event: the same -1 that streamState reports, which expects what 'no-stream' does.
        assert.equal(again.nextExpectedRevision, -1);
        assert.equal((await store.streamState('s')).revision, again.nextExpectedRevision);
        const next = await store.append('s', [ev('C', {})], { expectedRevision: again.nextExpectedRevision });
        assert.equal(next.nextExpectedRevision, 2);
        await rejectsWith(
          store.append('s', [ev('D', {})], { expectedRevision: -1 }),
          isConcurrencyError,
          (error) => assert.equal(error.actual, 2),
        );
        await store.deleteStream('never-written', { expectedRevision: -1 });
        await rejectsWith(store.deleteStream('s', { expectedRevision: -1 }), isConcurrencyError);
      }));

    test('a repeat with the same ids but other data is a duplicate: the first write wins, unchanged', () =>
      withStore(backend, async ({ store }) => {
        const first = await store.append('s', batch);
        const head = await store.headPosition();
        // The id is the event's identity: a retried command whose decider now yields other data
        // (a timestamp, a total) must still be answered as the repeat it is, never stored twice.
        const other = [
          ev('A', { n: 10 }, { id: 'id-1', tags: ['t'] }),
          ev('Z', { n: 20 }, { id: 'id-2', metadata: { note: 'other' } }),
        ];
        const again = await store.append('s', other);
        assert.equal(again.duplicate, true);
        assert.deepEqual(again.events, first.events);
        assert.deepEqual(
          again.events.map((event) => [event.type, event.data]),
          [
            ['A', { n: 1 }],
            ['B', { n: 2 }],
          ],
        );
        assert.equal(await store.headPosition(), head);
        assert.deepEqual(await store.readStream('s'), first.events);
      }));

    test('a repeat of a single event of an earlier append is a duplicate', () =>
      withStore(backend, async ({ store }) => {
        const first = await store.append('s', batch);
        const again = await store.append('s', [batch[1] ?? ev('B')], { expectedRevision: 0 });
        assert.equal(again.duplicate, true);
        assert.deepEqual(again.events, [first.events[1]]);
        assert.equal(await store.headPosition(), first.position);
      }));

    test('a partial repeat (stored and new ids mixed) is a DuplicateEventIdError and stores nothing', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', batch);
        const head = await store.headPosition();
        await rejectsWith(
          store.append('s', [ev('A', { n: 1 }, { id: 'id-1' }), ev('D', {}, { id: 'id-new' })]),
          isDuplicateEventIdError,
        );
        await rejectsWith(
          store.append('s', [ev('D', {}, { id: 'id-new' }), ev('B', { n: 2 }, { id: 'id-2' })]),
          isDuplicateEventIdError,
        );
        assert.equal(await store.headPosition(), head);
        assert.equal((await store.readStream('s')).length, 2);
        assert.equal((await store.readByQuery({ types: ['D'] })).length, 0);
      }));

    test('an id already stored in another stream is a DuplicateEventIdError and stores nothing', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', batch);
        const head = await store.headPosition();
        await rejectsWith(
          store.append('other', [ev('A', { n: 1 }, { id: 'id-1' })]),
          isDuplicateEventIdError,
          (error) => assert.equal(error.eventId, 'id-1'),
        );
        assert.equal(await store.headPosition(), head);
        assert.deepEqual(await store.readStream('other'), []);
        assert.equal((await store.streamState('other')).revision, -1);
      }));

    test('the same id twice in one append is rejected and stores nothing', () =>
      withStore(backend, async ({ store }) => {
        await rejectsWith(
          store.append('s', [ev('A', {}, { id: 'twice' }), ev('B', {}, { id: 'twice' })]),
          (error: unknown) => isValidationError(error) || isDuplicateEventIdError(error),
        );
        assert.equal(await store.headPosition(), 0);
        assert.deepEqual(await store.readStream('s'), []);
      }));

    test('events without ids are never mistaken for repeats', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', [ev('A', { n: 1 })]);
        const second = await store.append('s', [ev('A', { n: 1 })]);
        assert.equal(second.duplicate, false);
        assert.equal((await store.readStream('s')).length, 2);
      }));
  });
};

/** Stream lifecycle: soft delete, truncation, maxCount, maxAge and custom metadata. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isConcurrencyError } from '../../../core/errors.js';
import type { EventStoreContractBackend } from './support.js';
import { ev, evs, manualClock, rejectsWith, revisions, withStore } from './support.js';

export const describeLifecycle = (backend: EventStoreContractBackend): void => {
  describe('stream lifecycle', () => {
    describe('soft delete', () => {
      test('the stream reads empty and deleted, its events stay in the global log', () =>
        withStore(backend, async ({ store }) => {
          const written = await store.append('s', evs(3));
          await store.append('other', evs(1));
          await store.deleteStream('s');
          assert.deepEqual(await store.readStream('s'), []);
          assert.deepEqual(await store.readStream('s', { direction: 'backwards' }), []);
          const state = await store.streamState('s');
          assert.equal(state.revision, -1);
          assert.equal(state.deleted, true);
          const all = await store.readAll();
          assert.equal(all.length, 4);
          assert.deepEqual(
            all.filter((event) => event.streamId === 's'),
            written.events,
          );
          assert.equal((await store.readByQuery({ types: ['Happened'] })).length, 4);
          assert.equal((await store.streamState('other')).deleted, false);
        }));

      test('no-stream then holds and a new append continues the revisions', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(3));
          await store.deleteStream('s');
          await rejectsWith(
            store.append('s', evs(1), { expectedRevision: 'exists' }),
            isConcurrencyError,
            (error) => assert.equal(error.actual, -1),
          );
          await rejectsWith(store.append('s', evs(1), { expectedRevision: 2 }), isConcurrencyError, (error) =>
            assert.equal(error.actual, -1),
          );
          const again = await store.append('s', [ev('Reborn')], { expectedRevision: 'no-stream' });
          assert.equal(again.nextExpectedRevision, 3);
          assert.deepEqual(revisions(await store.readStream('s')), [3]);
          assert.deepEqual(revisions(await store.readStream('s', { direction: 'backwards' })), [3]);
          const state = await store.streamState('s');
          assert.equal(state.revision, 3);
          assert.equal(state.deleted, false);
          await store.append('s', evs(1), { expectedRevision: 3 });
          assert.equal((await store.readAll()).length, 5);
        }));

      test('with an expectedRevision that holds', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(2));
          await store.deleteStream('s', { expectedRevision: 1 });
          assert.equal((await store.streamState('s')).deleted, true);
        }));

      test('with a failing expectedRevision: ConcurrencyError, nothing deleted', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(2));
          await rejectsWith(store.deleteStream('s', { expectedRevision: 0 }), isConcurrencyError, (error) => {
            assert.equal(error.expected, 0);
            assert.equal(error.actual, 1);
          });
          await rejectsWith(
            store.deleteStream('s', { expectedRevision: 'no-stream' }),
            isConcurrencyError,
            (error) => assert.equal(error.actual, 1),
          );
          assert.deepEqual(revisions(await store.readStream('s')), [0, 1]);
          assert.equal((await store.streamState('s')).deleted, false);
          await rejectsWith(
            store.deleteStream('never', { expectedRevision: 'exists' }),
            isConcurrencyError,
            (error) => assert.equal(error.actual, -1),
          );
        }));
    });

    describe('truncateStream', () => {
      test('hides revisions below the given one from stream reads only', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(5));
          await store.truncateStream('s', 3);
          assert.deepEqual(revisions(await store.readStream('s')), [3, 4]);
          assert.deepEqual(revisions(await store.readStream('s', { direction: 'backwards' })), [4, 3]);
          assert.deepEqual(revisions(await store.readStream('s', { fromRevision: 1 })), [3, 4]);
          assert.deepEqual(await store.readStream('s', { direction: 'backwards', fromRevision: 2 }), []);
          const state = await store.streamState('s');
          assert.equal(state.revision, 4);
          assert.equal(state.deleted, false);
          assert.equal(state.metadata.truncateBefore, 3);
          assert.equal((await store.readAll()).length, 5);
          const next = await store.append('s', evs(1), { expectedRevision: 4 });
          assert.equal(next.nextExpectedRevision, 5);
          assert.deepEqual(revisions(await store.readStream('s')), [3, 4, 5]);
        }));

      test('beyond the end hides everything until newer events arrive', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(2));
          await store.truncateStream('s', 4);
          assert.deepEqual(await store.readStream('s'), []);
          await store.append('s', evs(3));
          assert.deepEqual(revisions(await store.readStream('s')), [4]);
        }));

      test('keeps the other metadata', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(4));
          await store.setStreamMetadata('s', { maxCount: 3, custom: { owner: 'ops' } });
          await store.truncateStream('s', 2);
          assert.deepEqual((await store.streamState('s')).metadata, {
            maxCount: 3,
            custom: { owner: 'ops' },
            truncateBefore: 2,
          });
          assert.deepEqual(revisions(await store.readStream('s')), [2, 3]);
        }));
    });

    describe('stream metadata', () => {
      test('maxCount keeps only the newest events visible', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(5));
          await store.setStreamMetadata('s', { maxCount: 2 });
          assert.deepEqual(revisions(await store.readStream('s')), [3, 4]);
          assert.deepEqual(revisions(await store.readStream('s', { direction: 'backwards' })), [4, 3]);
          assert.deepEqual(revisions(await store.readStream('s', { fromRevision: 0 })), [3, 4]);
          await store.append('s', evs(1), { expectedRevision: 4 });
          assert.deepEqual(revisions(await store.readStream('s')), [4, 5]);
          assert.equal((await store.streamState('s')).revision, 5);
          assert.equal((await store.readAll()).length, 6);
        }));

      test('maxAge hides events older than the store clock allows', () => {
        const time = manualClock();
        return withStore(
          backend,
          async ({ store }) => {
            await store.append('s', evs(2));
            time.advanceSeconds(100);
            await store.append('s', evs(1));
            await store.setStreamMetadata('s', { maxAge: 50 });
            assert.deepEqual(revisions(await store.readStream('s')), [2]);
            assert.deepEqual(revisions(await store.readStream('s', { direction: 'backwards' })), [2]);
            time.advanceSeconds(49);
            assert.deepEqual(revisions(await store.readStream('s')), [2]);
            time.advanceSeconds(2);
            assert.deepEqual(await store.readStream('s'), []);
            const state = await store.streamState('s');
            assert.equal(state.revision, 2);
            assert.equal(state.metadata.maxAge, 50);
            assert.equal((await store.readAll()).length, 3);
            await store.append('s', evs(1), { expectedRevision: 2 });
            assert.deepEqual(revisions(await store.readStream('s')), [3]);
          },
          { clock: time.clock },
        );
      });

      test('custom values round-trip and set replaces the whole metadata', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(3));
          const custom = { owner: 'ops', limits: { days: 30, tags: ['a', 'b'] }, active: true, none: null };
          await store.setStreamMetadata('s', { maxCount: 2, custom });
          assert.deepEqual((await store.streamState('s')).metadata, { maxCount: 2, custom });
          await store.setStreamMetadata('s', { custom: { owner: 'billing' } });
          assert.deepEqual((await store.streamState('s')).metadata, { custom: { owner: 'billing' } });
          assert.deepEqual(revisions(await store.readStream('s')), [0, 1, 2]);
        }));

      test('can be set before the stream has events and applies once they arrive', () =>
        withStore(backend, async ({ store }) => {
          await store.setStreamMetadata('s', { maxCount: 1, custom: { kind: 'cache' } });
          const state = await store.streamState('s');
          assert.equal(state.revision, -1);
          assert.equal(state.deleted, false);
          assert.deepEqual(state.metadata, { maxCount: 1, custom: { kind: 'cache' } });
          await store.append('s', evs(3), { expectedRevision: 'no-stream' });
          assert.deepEqual(revisions(await store.readStream('s')), [2]);
        }));

      test('survives a soft delete and a new append', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(2));
          await store.setStreamMetadata('s', { custom: { keep: true } });
          await store.deleteStream('s');
          assert.deepEqual((await store.streamState('s')).metadata, { custom: { keep: true } });
          await store.append('s', evs(1), { expectedRevision: 'no-stream' });
          assert.deepEqual((await store.streamState('s')).metadata, { custom: { keep: true } });
        }));
    });
  });
};

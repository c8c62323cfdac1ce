/** Reads: a stream both ways, the global log, the head and the stream state. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RecordedEvent } from '../../../core/envelope.js';
import type { EventStoreContractBackend } from './support.js';
import { evs, positions, revisions, withStore } from './support.js';

export const describeReads = (backend: EventStoreContractBackend): void => {
  describe('reads', () => {
    test('an unknown stream reads empty and has revision -1', () =>
      withStore(backend, async ({ store }) => {
        await store.append('known', evs(1));
        assert.deepEqual(await store.readStream('unknown'), []);
        assert.deepEqual(await store.readStream('unknown', { direction: 'backwards' }), []);
        assert.deepEqual(await store.streamState('unknown'), {
          streamId: 'unknown',
          revision: -1,
          deleted: false,
          metadata: {},
        });
      }));

    test('an empty store has head 0 and an empty log', () =>
      withStore(backend, async ({ store }) => {
        assert.equal(await store.headPosition(), 0);
        assert.deepEqual(await store.readAll(), []);
        assert.deepEqual(await store.readByQuery({}), []);
      }));

    test('a stream forwards from a revision, with maxCount', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(6));
        await store.append('noise', evs(2));
        assert.deepEqual(revisions(await store.readStream('s')), [0, 1, 2, 3, 4, 5]);
        assert.deepEqual(
          revisions(await store.readStream('s', { direction: 'forwards' })),
          [0, 1, 2, 3, 4, 5],
        );
        assert.deepEqual(revisions(await store.readStream('s', { fromRevision: 2 })), [2, 3, 4, 5]);
        assert.deepEqual(revisions(await store.readStream('s', { fromRevision: 2, maxCount: 2 })), [2, 3]);
        assert.deepEqual(revisions(await store.readStream('s', { maxCount: 1 })), [0]);
        assert.deepEqual(await store.readStream('s', { fromRevision: 6 }), []);
        assert.deepEqual(await store.readStream('s', { fromRevision: 100 }), []);
      }));

    test('a stream backwards from a revision, with maxCount', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(6));
        const backwards = (options: { fromRevision?: number; maxCount?: number }) =>
          store.readStream('s', { direction: 'backwards', ...options }).then(revisions);
        assert.deepEqual(await backwards({}), [5, 4, 3, 2, 1, 0]);
        assert.deepEqual(await backwards({ maxCount: 2 }), [5, 4]);
        assert.deepEqual(await backwards({ fromRevision: 3 }), [3, 2, 1, 0]);
        assert.deepEqual(await backwards({ fromRevision: 3, maxCount: 2 }), [3, 2]);
        assert.deepEqual(await backwards({ fromRevision: 0 }), [0]);
        assert.deepEqual(await backwards({ fromRevision: 100, maxCount: 1 }), [5]);
      }));

    describe('readAllPage', () => {
      test('pages through the log, saying whether more is left and where to go on', () =>
        withStore(backend, async ({ store }) => {
          await store.append('a', evs(3));
          await store.append('b', evs(2));
          const all = await store.readAll();
          const pages: Array<{ positions: number[]; hasMore: boolean; nextPosition: number }> = [];
          let after = 0;
          // Bounded, so a store whose page never ends fails here instead of looping.
          for (let count = 0; count < 5; count += 1) {
            const page = await store.readAllPage({ after, maxCount: 2 });
            pages.push({
              positions: positions(page.events),
              hasMore: page.hasMore,
              nextPosition: page.nextPosition,
            });
            if (!page.hasMore) break;
            after = page.nextPosition;
          }
          assert.deepEqual(pages, [
            { positions: positions(all.slice(0, 2)), hasMore: true, nextPosition: all[1]?.position },
            { positions: positions(all.slice(2, 4)), hasMore: true, nextPosition: all[3]?.position },
            { positions: positions(all.slice(4)), hasMore: false, nextPosition: all[4]?.position },
          ]);
          const page = await store.readAllPage({ after: 1, maxCount: 3 });
          assert.deepEqual(page.events, await store.readAll({ after: 1, maxCount: 3 }));
        }));

      test('a page that ends exactly at the head has nothing more; past the head is empty', () =>
        withStore(backend, async ({ store }) => {
          const appended = await store.append('s', evs(4));
          const last = await store.readAllPage({
            after: (appended.events[1] as RecordedEvent).position,
            maxCount: 2,
          });
          assert.deepEqual(last.events, appended.events.slice(2));
          assert.equal(last.hasMore, false);
          assert.equal(last.nextPosition, appended.position);
          assert.deepEqual(await store.readAllPage({ after: appended.position, maxCount: 2 }), {
            events: [],
            hasMore: false,
            nextPosition: appended.position,
          });
        }));

      test('without maxCount returns the whole rest of the log; an empty store gives an empty page', () =>
        withStore(backend, async ({ store }) => {
          assert.deepEqual(await store.readAllPage(), { events: [], hasMore: false, nextPosition: 0 });
          const appended = await store.append('s', evs(3));
          const page = await store.readAllPage({ after: (appended.events[0] as RecordedEvent).position });
          assert.deepEqual(page, {
            events: appended.events.slice(1),
            hasMore: false,
            nextPosition: appended.position,
          });
        }));

      test('sees events appended since the previous page', () =>
        withStore(backend, async ({ store }) => {
          const first = await store.append('s', evs(2));
          const page = await store.readAllPage({ maxCount: 5 });
          assert.equal(page.hasMore, false);
          const later = await store.append('s', evs(1));
          const next = await store.readAllPage({ after: page.nextPosition, maxCount: 5 });
          assert.deepEqual(next.events, later.events);
          assert.equal(page.nextPosition, first.position);
        }));
    });

    test('the global log after a position, with maxCount', () =>
      withStore(backend, async ({ store }) => {
        const a = await store.append('a', evs(3));
        const b = await store.append('b', evs(2));
        const all = [...a.events, ...b.events];
        const p = positions(all);
        assert.deepEqual(await store.readAll(), all);
        assert.deepEqual(positions(await store.readAll({ after: 0, maxCount: 2 })), p.slice(0, 2));
        assert.deepEqual(positions(await store.readAll({ after: p[1] })), p.slice(2));
        assert.deepEqual(positions(await store.readAll({ after: p[1], maxCount: 2 })), p.slice(2, 4));
        assert.deepEqual(await store.readAll({ after: p[4] }), []);
        assert.deepEqual(await store.readAll({ after: (p[4] ?? 0) + 1000 }), []);
      }));

    test('headPosition follows appends', () =>
      withStore(backend, async ({ store }) => {
        const first = await store.append('a', evs(2));
        assert.equal(await store.headPosition(), first.position);
        const second = await store.append('b', evs(1));
        assert.equal(await store.headPosition(), second.position);
        assert.ok(second.position > first.position);
      }));

    test('streamState reports the last revision', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(4));
        assert.deepEqual(await store.streamState('s'), {
          streamId: 's',
          revision: 3,
          deleted: false,
          metadata: {},
        });
      }));

    test('stream ids are exact: no prefix or case folding', () =>
      withStore(backend, async ({ store }) => {
        await store.append('Order-1', evs(1));
        await store.append('order-1', evs(2));
        await store.append('order-10', evs(3));
        assert.equal((await store.readStream('Order-1')).length, 1);
        assert.equal((await store.readStream('order-1')).length, 2);
        assert.equal((await store.readStream('order-10')).length, 3);
        assert.deepEqual(await store.readStream('order-'), []);
      }));

    test('stream ids with quotes, wildcards, separators and spaces are ordinary ids', () =>
      withStore(backend, async ({ store }) => {
        const names = [
          "it's",
          'say "hi"',
          'a%',
          'a_',
          'a\\b',
          'path/to/x',
          ' padded ',
          'tab\tid',
          'semi;colon',
          '*',
        ];
        for (const [index, name] of names.entries()) await store.append(name, evs(index + 1));
        for (const [index, name] of names.entries()) {
          const read = await store.readStream(name);
          assert.equal(read.length, index + 1, name);
          assert.ok(read.every((event) => event.streamId === name && event.subject === name));
          assert.equal((await store.streamState(name)).revision, index);
        }
        assert.deepEqual(await store.readStream('a'), []);
        assert.deepEqual(await store.readStream('padded'), []);
        assert.deepEqual(await store.readStream('ab'), []);
      }));
  });
};

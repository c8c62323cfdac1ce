/** Query semantics and the Dynamic Consistency Boundary conditional append. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isConcurrencyError, isConditionFailedError } from '../../../core/errors.js';
import type { Query } from '../../../core/store.js';
import type { EventStoreContractBackend } from './support.js';
import { ev, positions, rejectsWith, seedQueryData, withStore } from './support.js';

type Seeded = Awaited<ReturnType<typeof seedQueryData>>;

export const describeQueries = (backend: EventStoreContractBackend): void => {
  describe('query semantics (readByQuery)', () => {
    const cases: ReadonlyArray<[string, Query, (p: Seeded) => number[]]> = [
      ['one type', { types: ['A'] }, (p) => [p.p1, p.p3]],
      ['types are any-of', { types: ['A', 'B'] }, (p) => [p.p1, p.p2, p.p3, p.p5]],
      ['one tag', { tags: ['x'] }, (p) => [p.p1, p.p2, p.p5]],
      ['tags are all-of', { tags: ['x', 'y'] }, (p) => [p.p2, p.p5]],
      ['types and tags together', { types: ['B'], tags: ['z'] }, (p) => [p.p5]],
      ['types any-of with a tag', { types: ['A', 'C'], tags: ['x'] }, (p) => [p.p1]],
      ['an array of items is OR', [{ types: ['A'], tags: ['y'] }, { types: ['C'] }], (p) => [p.p3, p.p4]],
      [
        'overlapping items return each event once',
        [{ tags: ['x'] }, { tags: ['y'] }],
        (p) => [p.p1, p.p2, p.p3, p.p5],
      ],
      ['an empty item matches everything', {}, (p) => [p.p1, p.p2, p.p3, p.p4, p.p5]],
      ['empty lists match everything', { types: [], tags: [] }, (p) => [p.p1, p.p2, p.p3, p.p4, p.p5]],
      ['an unknown type matches nothing', { types: ['Nope'] }, () => []],
      ['an unknown tag matches nothing', { tags: ['x', 'nope'] }, () => []],
    ];
    for (const [name, query, expected] of cases)
      test(name, () =>
        withStore(backend, async ({ store }) => {
          const seeded = await seedQueryData(store);
          assert.deepEqual(positions(await store.readByQuery(query)), expected(seeded));
        }),
      );

    test('types and tags match exactly: no substring, case folding, separator or wildcard tricks', () =>
      withStore(backend, async ({ store }) => {
        const { events } = await store.append('tricky', [
          ev('Order', {}, { tags: ['xy'] }),
          ev('order', {}, { tags: ['a', 'b'] }),
          ev('OrderPlaced', {}, { tags: ['a,b'] }),
          ev('Order_', {}, { tags: ['50%', 'it\'s "quoted"'] }),
          ev('Order%', {}, { tags: ['X'] }),
        ]);
        const at = (...indexes: number[]) => indexes.map((index) => events[index]?.position);
        const found = async (query: Query) => positions(await store.readByQuery(query));
        assert.deepEqual(await found({ tags: ['x'] }), []);
        assert.deepEqual(await found({ tags: ['y'] }), []);
        assert.deepEqual(await found({ tags: ['a,b'] }), at(2));
        assert.deepEqual(await found({ tags: ['a', 'b'] }), at(1));
        assert.deepEqual(await found({ tags: ['a'] }), at(1));
        assert.deepEqual(await found({ tags: ['5%'] }), []);
        assert.deepEqual(await found({ tags: ['%'] }), []);
        assert.deepEqual(await found({ tags: ['it\'s "quoted"'] }), at(3));
        assert.deepEqual(await found({ types: ['Order'] }), at(0));
        assert.deepEqual(await found({ types: ['ORDER'] }), []);
        assert.deepEqual(await found({ types: ['Order_'] }), at(3));
        assert.deepEqual(await found({ types: ['Order%'] }), at(4));
        assert.deepEqual(await found({ types: ['Order_', 'Order%'], tags: ['X'] }), at(4));
      }));

    test('after and maxCount page through matches', () =>
      withStore(backend, async ({ store }) => {
        const p = await seedQueryData(store);
        assert.deepEqual(positions(await store.readByQuery({ tags: ['y'] }, { after: p.p2, maxCount: 1 })), [
          p.p3,
        ]);
        assert.deepEqual(positions(await store.readByQuery({ tags: ['y'] }, { after: p.p3 })), [p.p5]);
        assert.deepEqual(positions(await store.readByQuery({ tags: ['y'] }, { maxCount: 2 })), [p.p2, p.p3]);
        assert.deepEqual(await store.readByQuery({ tags: ['y'] }, { after: p.p5 }), []);
      }));
  });

  describe('conditional append (DCB)', () => {
    const attempt = (
      store: Parameters<Parameters<typeof withStore>[1]>[0]['store'],
      query: Query,
      after: number,
    ) => store.append('decision', [ev('Decided', {}, { tags: ['x'] })], { condition: { query, after } });

    test('succeeds when matching events are at or before `after`', () =>
      withStore(backend, async ({ store }) => {
        const p = await seedQueryData(store);
        const result = await attempt(store, { types: ['B'] }, p.p5);
        assert.equal(result.duplicate, false);
        assert.ok(result.position > p.p5);
      }));

    test('succeeds when only non-matching events are after `after`', () =>
      withStore(backend, async ({ store }) => {
        const p = await seedQueryData(store);
        await attempt(store, { types: ['A'] }, p.p3);
        await attempt(store, { tags: ['x', 'q'] }, 0);
      }));

    test('succeeds with after = 0 when nothing matches, on an empty store too', () =>
      withStore(backend, async ({ store }) => {
        await attempt(store, { tags: ['x'] }, 0);
        const result = await attempt(store, { types: ['Other'] }, 0);
        assert.equal(result.events.length, 1);
      }));

    const failing: ReadonlyArray<[string, Query, (p: Seeded) => [after: number, conflicting: number]]> = [
      ['a matching type after `after`', { types: ['B'] }, (p) => [p.p3, p.p5]],
      ['matching tags (all-of) after `after`', { tags: ['x', 'z'] }, (p) => [p.p4, p.p5]],
      ['any item of an array query matching', [{ types: ['C'] }, { tags: ['nope'] }], (p) => [p.p3, p.p4]],
      ['after = 0 with any match', { types: ['A'] }, (p) => [0, p.p3]],
    ];
    for (const [name, query, expected] of failing)
      test(`fails with ConditionFailedError: ${name}, storing nothing`, () =>
        withStore(backend, async ({ store }) => {
          const p = await seedQueryData(store);
          const [after, conflicting] = expected(p);
          await rejectsWith(attempt(store, query, after), isConditionFailedError, (error) => {
            assert.equal(error.after, after);
            // The newest matching event is reported.
            assert.equal(error.conflictingPosition, conflicting);
          });
          assert.equal(await store.headPosition(), p.p5);
          assert.deepEqual(await store.readStream('decision'), []);
        }));

    test('an event appended by a failed condition is not visible to queries', () =>
      withStore(backend, async ({ store }) => {
        const p = await seedQueryData(store);
        await rejectsWith(attempt(store, { types: ['A'] }, 0), isConditionFailedError);
        assert.deepEqual(await store.readByQuery({ types: ['Decided'] }), []);
        assert.equal(await store.headPosition(), p.p5);
      }));

    test('combines with expectedRevision: both must hold', () =>
      withStore(backend, async ({ store }) => {
        const p = await seedQueryData(store);
        const condition = { query: { types: ['B'] }, after: p.p5 };
        await rejectsWith(
          store.append('s1', [ev('A')], { expectedRevision: 0, condition }),
          isConcurrencyError,
          (error) => assert.equal(error.actual, 1),
        );
        await rejectsWith(
          store.append('s1', [ev('A')], { expectedRevision: 1, condition: { ...condition, after: p.p4 } }),
          isConditionFailedError,
        );
        assert.equal(await store.headPosition(), p.p5);
        const ok = await store.append('s1', [ev('A')], { expectedRevision: 1, condition });
        assert.equal(ok.nextExpectedRevision, 2);
      }));

    test('a repeated conditional append is a duplicate, though its own events now match', () =>
      withStore(backend, async ({ store }) => {
        const p = await seedQueryData(store);
        const events = [ev('Decided', {}, { id: 'decision-1', tags: ['x'] })];
        const condition = { query: { tags: ['x'] }, after: p.p5 };
        const first = await store.append('decision', events, { condition });
        const again = await store.append('decision', events, { condition });
        assert.equal(again.duplicate, true);
        assert.deepEqual(again.events, first.events);
        assert.equal(await store.headPosition(), first.position);
      }));
  });
};

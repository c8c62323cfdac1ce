/** Bad input: every malformed call fails with a typed error and leaves the store unchanged. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NewEvent } from '../../../core/envelope.js';
import { isSerializationError, isValidationError } from '../../../core/errors.js';
import type { AppendOptions, EventStore, Query } from '../../../core/store.js';
import type { EventStoreContractBackend } from './support.js';
import { ev, evs, rejectsWith, subscribeOutcome, withStore } from './support.js';

/** Lets a test pass values the types forbid, as an untyped caller would. */
const unsafe = <T>(value: unknown): T => value as T;

const cyclic = (): Record<string, unknown> => {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
};

type Guard = (error: unknown) => boolean;

/** Appends that must fail, each against stream `s` which already holds one event. */
const badAppends: ReadonlyArray<[string, Guard, (store: EventStore) => Promise<unknown>]> = [
  ['an empty stream id', isValidationError, (store) => store.append('', evs(1))],
  ['a stream id over 200 characters', isValidationError, (store) => store.append('x'.repeat(201), evs(1))],
  ['a non-string stream id', isValidationError, (store) => store.append(unsafe<string>(42), evs(1))],
  ['an empty event list', isValidationError, (store) => store.append('s', [])],
  [
    'events that are not an array',
    isValidationError,
    (store) => store.append('s', unsafe<NewEvent[]>(ev('A'))),
  ],
  ['a missing type', isValidationError, (store) => store.append('s', [unsafe<NewEvent>({ data: {} })])],
  ['an empty type', isValidationError, (store) => store.append('s', [ev('')])],
  [
    'a non-string id',
    isValidationError,
    (store) => store.append('s', [ev('A', {}, { id: unsafe<string>(7) })]),
  ],
  [
    'tags that are not strings',
    isValidationError,
    (store) => store.append('s', [ev('A', {}, { tags: unsafe<string[]>([1]) })]),
  ],
  [
    'an unparseable time',
    isValidationError,
    (store) => store.append('s', [ev('A', {}, { time: 'yesterday' })]),
  ],
  [
    'a function in data',
    isSerializationError,
    (store) => store.append('s', [ev('A', unsafe({ f: () => 1 }))]),
  ],
  ['a BigInt in data', isSerializationError, (store) => store.append('s', [ev('A', unsafe({ n: 10n }))])],
  ['a cycle in data', isSerializationError, (store) => store.append('s', [ev('A', unsafe(cyclic()))])],
  ['NaN in data', isSerializationError, (store) => store.append('s', [ev('A', { n: Number.NaN })])],
  [
    'Infinity in data',
    isSerializationError,
    (store) => store.append('s', [ev('A', { n: Number.POSITIVE_INFINITY })]),
  ],
  [
    'a Date instance in data',
    isSerializationError,
    (store) => store.append('s', [ev('A', unsafe({ at: new Date() }))]),
  ],
  ['a Map in data', isSerializationError, (store) => store.append('s', [ev('A', unsafe({ m: new Map() }))])],
  [
    'a symbol in metadata',
    isSerializationError,
    (store) => store.append('s', [ev('A', {}, { metadata: unsafe({ s: Symbol('x') }) })]),
  ],
  [
    'one bad event among good ones',
    isSerializationError,
    (store) => store.append('s', [ev('A'), ev('B', { n: Number.NaN }), ev('C')]),
  ],
  ...(
    [
      // -1 is the revision of a stream with no live event, accepted as 'no-stream'.
      ['an expectedRevision below -1', -2],
      ['a fractional expectedRevision', 0.5],
      ['an unknown expectedRevision keyword', 'latest'],
      ['a numeric-string expectedRevision', '0'],
    ] as const
  ).map(([name, expectedRevision]): [string, Guard, (store: EventStore) => Promise<unknown>] => [
    name,
    isValidationError,
    (store) => store.append('s', evs(1), unsafe<AppendOptions>({ expectedRevision })),
  ]),
  [
    'a condition with a bad query',
    isValidationError,
    (store) => store.append('s', evs(1), { condition: { query: unsafe<Query>({ types: 'A' }), after: 0 } }),
  ],
  [
    'a condition with an empty query list',
    isValidationError,
    (store) => store.append('s', evs(1), { condition: { query: [], after: 0 } }),
  ],
  [
    'a condition with a negative position',
    isValidationError,
    (store) => store.append('s', evs(1), { condition: { query: { types: ['A'] }, after: -1 } }),
  ],
];

const NUL = 'A\u0000';
const LONE = 'x\uD800';

/**
 * Text no backend can carry unchanged (PostgreSQL refuses NUL in a text column with a raw
 * SQLSTATE, SQLite and pg turn a lone surrogate into U+FFFD): each append is a ValidationError
 * naming the field, on every backend. NUL inside data and metadata is stored exactly (JSON text),
 * see the payloads contract; a lone surrogate is refused there too.
 */
const badText: ReadonlyArray<[string, string, (store: EventStore) => Promise<unknown>]> = [
  ['a NUL in the stream id', 'streamId', (store) => store.append(NUL, evs(1))],
  ['a lone surrogate in the stream id', 'streamId', (store) => store.append(LONE, evs(1))],
  ['a NUL in a type', 'events/0/type', (store) => store.append('s', [ev(NUL)])],
  ['a lone surrogate in an id', 'events/0/id', (store) => store.append('s', [ev('A', {}, { id: LONE })])],
  [
    'a NUL in a tag',
    'events/1/tags/1',
    (store) => store.append('s', [ev('A'), ev('B', {}, { tags: ['t', NUL] })]),
  ],
  [
    'a lone surrogate in data',
    'events/0/data/pickupAddress',
    (store) => store.append('s', [ev('A', { pickupAddress: LONE })]),
  ],
  [
    'a lone low surrogate deep in data',
    'events/0/data/stops/1/name',
    (store) => store.append('s', [ev('A', { stops: [{ name: 'ok' }, { name: '\uDC00' }] })]),
  ],
  [
    'a lone surrogate in a data key',
    'events/0/data/a\uFFFD',
    (store) => store.append('s', [ev('A', { 'a\uD800': 1 })]),
  ],
  [
    'a lone surrogate in metadata',
    'events/0/metadata/note',
    (store) => store.append('s', [ev('A', {}, { metadata: { note: LONE } })]),
  ],
  ['a NUL in a source', 'events/0/source', (store) => store.append('s', [ev('A', {}, { source: NUL })])],
  [
    'a NUL in a condition tag',
    'condition/query/tags',
    (store) => store.append('s', evs(1), { condition: { query: { tags: [NUL] }, after: 0 } }),
  ],
];

const badQueries: ReadonlyArray<[string, unknown]> = [
  ['types not an array', { types: 'A' }],
  ['tags not strings', { tags: [1] }],
  ['an empty tag', { tags: [''] }],
  ['an empty list of items', []],
  ['null', null],
  ['a string', 'A'],
];

export const describeBadInput = (backend: EventStoreContractBackend): void => {
  describe('bad input', () => {
    for (const [name, guard, call] of badAppends)
      test(`append with ${name} fails typed and stores nothing`, () =>
        withStore(backend, async ({ store }) => {
          const seed = await store.append('s', evs(1));
          await rejectsWith(call(store), (error): error is unknown => guard(error));
          assert.equal(await store.headPosition(), seed.position);
          assert.deepEqual(await store.readStream('s'), seed.events);
          assert.deepEqual(await store.readAll(), seed.events);
          assert.equal((await store.streamState('s')).revision, 0);
        }));

    for (const [name, field, call] of badText)
      test(`append with ${name} is a ValidationError naming ${field} and stores nothing`, () =>
        withStore(backend, async ({ store }) => {
          const seed = await store.append('s', evs(1));
          await rejectsWith(call(store), isValidationError, (error) =>
            assert.ok(
              error.details.some((detail) => detail.field.startsWith(field)),
              `${JSON.stringify(error.details)} names ${field}`,
            ),
          );
          assert.equal(await store.headPosition(), seed.position);
          assert.deepEqual(await store.readAll(), seed.events);
        }));

    test('a repeat of an append with a lone surrogate in its stream id is refused again, not a duplicate', () =>
      withStore(backend, async ({ store }) => {
        const batch = [ev('A', {}, { id: 'lone-1' })];
        await rejectsWith(store.append(LONE, batch), isValidationError);
        await rejectsWith(store.append(LONE, batch), isValidationError);
        // The id was never taken: a valid stream may use it.
        assert.equal((await store.append('s', batch)).duplicate, false);
      }));

    test('reads with text no backend can carry are ValidationErrors, never driver errors', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(1));
        await rejectsWith(store.readStream(NUL), isValidationError);
        await rejectsWith(store.readStream(LONE), isValidationError);
        await rejectsWith(store.streamState(NUL), isValidationError);
        await rejectsWith(store.readByQuery({ tags: [NUL] }), isValidationError);
        await rejectsWith(store.readByQuery({ types: [LONE] }), isValidationError);
        await rejectsWith(store.setStreamMetadata('s', { custom: { note: LONE } }), isValidationError);
        assert.deepEqual((await store.streamState('s')).metadata, {});
      }));

    test('text outside the BMP (surrogate pairs) and other control characters round-trip exactly', () =>
      withStore(backend, async ({ store }) => {
        const text = 'truck 🚚 𝄞 \u0001\t end';
        const result = await store.append(`s-${text}`, [
          ev('A', { text, [text]: text }, { tags: [text], id: `id-${text}` }),
        ]);
        const [event] = await store.readStream(`s-${text}`);
        assert.deepEqual(event, result.events[0]);
        assert.deepEqual(event?.data, { text, [text]: text });
        assert.deepEqual(event?.tags, [text]);
        assert.equal(event?.id, `id-${text}`);
        assert.equal((await store.readByQuery({ tags: [text] })).length, 1);
      }));

    for (const [name, query] of badQueries) {
      test(`readByQuery with ${name} is a ValidationError`, () =>
        withStore(backend, async ({ store }) => {
          await rejectsWith(store.readByQuery(unsafe<Query>(query)), isValidationError);
        }));
      test(`subscribe with a filter of ${name} is a ValidationError`, () =>
        withStore(backend, async ({ store }) => {
          await rejectsWith(
            Promise.resolve().then(() =>
              subscribeOutcome(store, { filter: unsafe<Query>(query), onEvents: () => undefined }),
            ),
            isValidationError,
          );
        }));
    }

    test('reads reject bad options', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(2));
        await rejectsWith(store.readStream(''), isValidationError);
        await rejectsWith(store.readStream('x'.repeat(201)), isValidationError);
        await rejectsWith(store.readStream('s', { fromRevision: -1 }), isValidationError);
        await rejectsWith(store.readStream('s', { fromRevision: 1.5 }), isValidationError);
        await rejectsWith(store.readStream('s', { maxCount: 0 }), isValidationError);
        await rejectsWith(store.readStream('s', { maxCount: -3 }), isValidationError);
        await rejectsWith(store.readAll({ after: -1 }), isValidationError);
        await rejectsWith(store.readAll({ maxCount: 0 }), isValidationError);
        await rejectsWith(store.readAllPage({ after: -1 }), isValidationError);
        await rejectsWith(store.readAllPage({ maxCount: 0 }), isValidationError);
        await rejectsWith(store.readAllPage({ maxCount: 1.5 }), isValidationError);
        await rejectsWith(store.readByQuery({}, { after: 0.5 }), isValidationError);
        await rejectsWith(store.streamState(''), isValidationError);
      }));

    test('lifecycle operations reject bad arguments and change nothing', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(3));
        await rejectsWith(store.deleteStream(''), isValidationError);
        await rejectsWith(
          store.deleteStream('s', unsafe({ expectedRevision: 'whatever' })),
          isValidationError,
        );
        await rejectsWith(store.truncateStream('s', -1), isValidationError);
        await rejectsWith(store.truncateStream('s', 1.5), isValidationError);
        await rejectsWith(store.setStreamMetadata('s', { maxCount: 0 }), isValidationError);
        await rejectsWith(store.setStreamMetadata('s', { maxAge: -5 }), isValidationError);
        await rejectsWith(store.setStreamMetadata('s', { truncateBefore: 1.5 }), isValidationError);
        await rejectsWith(
          store.setStreamMetadata('s', unsafe({ custom: { f: () => 1 } })),
          isSerializationError,
        );
        const state = await store.streamState('s');
        assert.deepEqual(state, { streamId: 's', revision: 2, deleted: false, metadata: {} });
        assert.equal((await store.readStream('s')).length, 3);
      }));

    test('subscribe rejects a negative checkpoint', () =>
      withStore(backend, async ({ store }) => {
        await rejectsWith(
          Promise.resolve().then(() => subscribeOutcome(store, { after: -1, onEvents: () => undefined })),
          isValidationError,
        );
      }));
  });
};

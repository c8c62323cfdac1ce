/** Payloads: size and characters round-trip exactly, and stored events cannot be changed by callers. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RecordedEvent } from '../../../core/envelope.js';
import type { JsonObject } from '../../../core/json.js';
import type { EventStoreContractBackend } from './support.js';
import { ev, until, withStore } from './support.js';

const unicode: JsonObject = {
  emoji: '🚚📦 👩‍👩‍👧‍👦 🏳️‍🌈',
  cjk: '東京都港区 貨物 운송 トラック',
  combining: 'e\u0301 vs \u00e9, a\u0308\u0304',
  nul: 'before\u0000after',
  controls: 'tab\tnewline\nreturn\rquote"backslash\\',
  rtl: 'שלום مرحبا',
  '键 🔑': 'unicode key',
};

const numbers: JsonObject = {
  maxSafe: Number.MAX_SAFE_INTEGER,
  minSafe: Number.MIN_SAFE_INTEGER,
  fraction: 0.1,
  tiny: 1e-7,
  huge: 1e300,
  negative: -42.5,
  zero: 0,
  flags: [true, false, null],
  nested: { empty: {}, list: [], deep: [[[{ x: 1 }]]] },
};

export const describePayloads = (backend: EventStoreContractBackend): void => {
  describe('payloads', () => {
    test('a 1 MB payload round-trips through every read and a subscription', () =>
      withStore(backend, async ({ store }) => {
        const blob = 'abcdefghij'.repeat(104_858);
        const data = {
          blob,
          rows: Array.from({ length: 1000 }, (_, index) => ({ index, label: `row ${index}` })),
        };
        await store.append('big', [ev('Big', data)]);
        const [stream] = await store.readStream('big');
        assert.equal(stream?.data.blob, blob);
        assert.deepEqual(stream?.data, data);
        assert.deepEqual((await store.readAll())[0]?.data, data);
        assert.deepEqual((await store.readByQuery({ types: ['Big'] }))[0]?.data, data);
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribe({ onEvents: (batch) => void seen.push(...batch) });
        await until(() => seen.length === 1, 'the big event');
        await subscription.stop();
        assert.deepEqual(seen[0]?.data, data);
      }));

    test('unicode and control characters round-trip exactly, without normalization', () =>
      withStore(backend, async ({ store }) => {
        const streamId = '貨物-🚚-e\u0301';
        await store.append(streamId, [
          ev('Ünïcødé✓', unicode, {
            tags: ['city:東京', 'emoji:🚚'],
            metadata: { actor: 'José 🙂', note: 'a\u0000b' },
          }),
        ]);
        const [event] = await store.readStream(streamId);
        assert.ok(event);
        assert.deepEqual(event.data, unicode);
        assert.equal(event.data.combining, 'e\u0301 vs \u00e9, a\u0308\u0304');
        assert.equal(event.data.nul, 'before\u0000after');
        assert.equal(event.type, 'Ünïcødé✓');
        assert.equal(event.streamId, streamId);
        assert.equal(event.subject, streamId);
        assert.deepEqual(event.tags, ['city:東京', 'emoji:🚚']);
        assert.deepEqual(event.metadata, { actor: 'José 🙂', note: 'a\u0000b' });
        assert.deepEqual(await store.readStream('貨物-🚚-\u00e9'), []);
        assert.equal((await store.readByQuery({ tags: ['emoji:🚚'] })).length, 1);
      }));

    test('numbers, booleans, null and nesting round-trip', () =>
      withStore(backend, async ({ store }) => {
        await store.append('n', [ev('Numbers', numbers), ev('Null', { value: null }), ev('Empty', {})]);
        const read = await store.readStream('n');
        assert.deepEqual(
          read.map((event) => event.data),
          [numbers, { value: null }, {}],
        );
      }));

    test('properties set to undefined are dropped, as JSON does', () =>
      withStore(backend, async ({ store }) => {
        await store.append('u', [ev('Sparse', { kept: 1, dropped: undefined })]);
        const [event] = await store.readStream('u');
        assert.deepEqual(event?.data, { kept: 1 });
      }));

    test('callers cannot change stored events by mutating inputs or results', () =>
      withStore(backend, async ({ store }) => {
        const data = { items: ['a'], nested: { n: 1 } };
        const tags = ['t:1'];
        const result = await store.append('m', [{ type: 'Changed', data, tags, metadata: { actor: 'x' } }]);
        data.items.push('b');
        data.nested.n = 2;
        tags.push('t:2');
        const tryMutate = (event: RecordedEvent | undefined): void => {
          assert.ok(event);
          // Frozen results are fine (the push throws): the point is that the store's copy stays intact.
          try {
            (event.data.items as string[]).push('c');
          } catch {}
          try {
            (event.tags as string[]).push('t:3');
          } catch {}
        };
        tryMutate(result.events[0]);
        tryMutate((await store.readStream('m'))[0]);
        tryMutate((await store.readAll())[0]);
        const [event] = await store.readStream('m');
        assert.deepEqual(event?.data, { items: ['a'], nested: { n: 1 } });
        assert.deepEqual(event?.tags, ['t:1']);
      }));
  });
};

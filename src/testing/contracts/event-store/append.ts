/** append: atomicity, revisions, positions, the envelope, and every expectedRevision form. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isConcurrencyError } from '../../../core/errors.js';
import type { ExpectedRevision } from '../../../core/store.js';
import type { EventStoreContractBackend } from './support.js';
import {
  assertIncreasing,
  counterIds,
  ev,
  evs,
  manualClock,
  positions,
  rejectsWith,
  revisions,
  withStore,
} from './support.js';

export const describeAppend = (backend: EventStoreContractBackend): void => {
  describe('append', () => {
    test('stores several events atomically with revisions from 0 and positions from 1', () =>
      withStore(backend, async ({ store }) => {
        const result = await store.append('order-1', evs(3));
        assert.equal(result.streamId, 'order-1');
        assert.equal(result.duplicate, false);
        assert.equal(result.nextExpectedRevision, 2);
        assert.deepEqual(revisions(result.events), [0, 1, 2]);
        assert.equal(result.events[0]?.position, 1);
        assertIncreasing(positions(result.events), 'positions');
        assert.equal(result.position, result.events[2]?.position);
        const read = await store.readStream('order-1');
        assert.deepEqual(read, result.events);
        assert.equal(await store.headPosition(), result.position);
      }));

    test('continues revisions per stream and positions across streams', () =>
      withStore(backend, async ({ store }) => {
        const a1 = await store.append('a', evs(2));
        const b1 = await store.append('b', evs(1));
        const a2 = await store.append('a', evs(2, 'Happened', 2));
        assert.deepEqual(revisions(a2.events), [2, 3]);
        assert.deepEqual(revisions(b1.events), [0]);
        const all = [...a1.events, ...b1.events, ...a2.events];
        assertIncreasing(positions(all), 'positions');
        assert.deepEqual(await store.readAll(), all);
        assert.deepEqual(
          (await store.readStream('a')).map((event) => event.data),
          [{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }],
        );
      }));

    test('fills CloudEvents attributes from the store options', () => {
      const time = manualClock('2026-03-04T05:06:07.089Z');
      return withStore(
        backend,
        async ({ store }) => {
          const result = await store.append('shipment-42', [ev('ShipmentSubmitted', { weightKg: 120 })]);
          const [event] = await store.readStream('shipment-42');
          assert.ok(event);
          assert.deepEqual(event, result.events[0]);
          assert.equal(event.specversion, '1.0');
          assert.equal(event.id, 'gen-1');
          assert.equal(event.type, 'ShipmentSubmitted');
          assert.equal(event.source, 'urn:conformance');
          assert.equal(event.subject, 'shipment-42');
          assert.equal(event.streamId, 'shipment-42');
          assert.equal(event.time, '2026-03-04T05:06:07.089Z');
          assert.equal(event.datacontenttype, 'application/json');
          assert.deepEqual(event.data, { weightKg: 120 });
          assert.deepEqual(event.tags, []);
          assert.deepEqual(event.metadata, {});
        },
        { clock: time.clock, source: 'urn:conformance', newId: counterIds('gen') },
      );
    });

    test('keeps given id, time, source, tags and metadata', () =>
      withStore(backend, async ({ store }) => {
        const metadata = {
          correlationId: 'corr-1',
          causationId: 'cmd-9',
          commandId: 'cmd-9',
          actor: 'user:ana',
          tenant: 'gpt',
        };
        await store.append('shipment-7', [
          ev(
            'ShipmentAssigned',
            { truck: 'T7' },
            {
              id: 'evt-given',
              time: '2025-12-31T23:59:59.999Z',
              source: 'urn:dispatch',
              tags: ['truck:T7', 'customer:C1'],
              metadata,
            },
          ),
        ]);
        const [event] = await store.readAll();
        assert.ok(event);
        assert.equal(event.id, 'evt-given');
        assert.equal(event.time, '2025-12-31T23:59:59.999Z');
        assert.equal(event.source, 'urn:dispatch');
        assert.deepEqual(event.tags, ['truck:T7', 'customer:C1']);
        assert.deepEqual(event.metadata, metadata);
      }));

    test('stamps a parseable ISO time and a unique id by default', () =>
      withStore(backend, async ({ store }) => {
        const { events } = await store.append('s', evs(3));
        for (const event of events) {
          assert.match(event.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
          assert.ok(event.id.length > 0);
        }
        assert.equal(new Set(events.map((event) => event.id)).size, 3);
      }));

    describe('expectedRevision', () => {
      const holding: ReadonlyArray<[string, ExpectedRevision, 'empty' | 'one']> = [
        ['no-stream on a new stream', 'no-stream', 'empty'],
        ['any on a new stream', 'any', 'empty'],
        ['any on an existing stream', 'any', 'one'],
        ['exists on an existing stream', 'exists', 'one'],
        ['the last revision', 0, 'one'],
      ];
      for (const [name, expectedRevision, given] of holding)
        test(`holds: ${name}`, () =>
          withStore(backend, async ({ store }) => {
            if (given === 'one') await store.append('s', evs(1));
            const result = await store.append('s', evs(1), { expectedRevision });
            assert.equal(result.nextExpectedRevision, given === 'one' ? 1 : 0);
          }));

      const failing: ReadonlyArray<[string, ExpectedRevision, 'empty' | 'two', number]> = [
        ['no-stream on an existing stream', 'no-stream', 'two', 1],
        ['exists on a new stream', 'exists', 'empty', -1],
        ['a number on a new stream', 0, 'empty', -1],
        ['an older revision', 0, 'two', 1],
        ['a newer revision', 5, 'two', 1],
      ];
      for (const [name, expectedRevision, given, actual] of failing)
        test(`fails with ConcurrencyError: ${name}`, () =>
          withStore(backend, async ({ store }) => {
            if (given === 'two') await store.append('s', evs(2));
            const head = await store.headPosition();
            await rejectsWith(
              store.append('s', evs(3), { expectedRevision }),
              isConcurrencyError,
              (error) => {
                assert.equal(error.streamId, 's');
                assert.equal(error.expected, expectedRevision);
                assert.equal(error.actual, actual);
              },
            );
            assert.equal(await store.headPosition(), head);
            assert.equal((await store.readStream('s')).length, given === 'two' ? 2 : 0);
            assert.equal((await store.streamState('s')).revision, actual);
          }));

      test('defaults to any', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(1));
          const result = await store.append('s', evs(1));
          assert.equal(result.nextExpectedRevision, 1);
        }));

      test('nextExpectedRevision chains appends', () =>
        withStore(backend, async ({ store }) => {
          let expectedRevision: ExpectedRevision = 'no-stream';
          for (let round = 0; round < 4; round += 1) {
            const result = await store.append('s', evs(2), { expectedRevision });
            expectedRevision = result.nextExpectedRevision;
          }
          assert.equal(expectedRevision, 7);
          assert.deepEqual(revisions(await store.readStream('s')), [0, 1, 2, 3, 4, 5, 6, 7]);
        }));
    });
  });
};

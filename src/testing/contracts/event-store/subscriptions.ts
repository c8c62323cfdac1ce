/** Subscriptions: checkpoint, catch-up then live, filter, stop, failures and back-pressure. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RecordedEvent } from '../../../core/envelope.js';
import type { EventStoreContractBackend } from './support.js';
import { assertIncreasing, ev, evs, gate, positions, settles, until, withStore, witness } from './support.js';

export const describeSubscriptions = (backend: EventStoreContractBackend): void => {
  describe('subscriptions', () => {
    test('catches up, reports it, then follows live appends', () =>
      withStore(backend, async ({ store }) => {
        const before = await store.append('s', evs(5));
        const seen: RecordedEvent[] = [];
        const caughtUp: Array<{ position: number; seen: number }> = [];
        const subscription = store.subscribe({
          batchSize: 2,
          onEvents: (events) => void seen.push(...events),
          onCaughtUp: (position) => void caughtUp.push({ position, seen: seen.length }),
        });
        await until(() => caughtUp.length >= 1, 'first catch-up');
        // Everything stored before was delivered before the catch-up was reported.
        assert.deepEqual(caughtUp[0], { position: before.position, seen: 5 });
        const live = await store.append('t', evs(3));
        await until(() => seen.length >= 8, 'live events');
        await until(() => caughtUp.some((entry) => entry.position === live.position), 'second catch-up');
        assert.deepEqual(seen, [...before.events, ...live.events]);
        assert.equal(subscription.position(), live.position);
        await settles(subscription.stop(), 'stop()');
        await settles(subscription.done, 'done');
      }));

    describe('stopWhenCaughtUp', () => {
      test('delivers everything after the checkpoint, reports the catch-up, then resolves done', () =>
        withStore(backend, async ({ store }) => {
          const first = await store.append('s', evs(3));
          const second = await store.append('t', evs(4));
          const seen: RecordedEvent[] = [];
          const caughtUp: number[] = [];
          const subscription = store.subscribe({
            after: (first.events[0] as RecordedEvent).position,
            batchSize: 2,
            stopWhenCaughtUp: true,
            onEvents: (events) => void seen.push(...events),
            onCaughtUp: (position) => void caughtUp.push(position),
          });
          await settles(subscription.done, 'done once caught up');
          assert.deepEqual(seen, [...first.events.slice(1), ...second.events]);
          assert.deepEqual(caughtUp, [second.position]);
          assert.equal(subscription.position(), second.position);
          await store.append('u', evs(1));
          await settles(subscription.stop(), 'stop() after the end');
          assert.equal(seen.length, 6, 'nothing is delivered after the end');
        }));

      test('on an empty store resolves done at once, caught up at 0', () =>
        withStore(backend, async ({ store }) => {
          const caughtUp: number[] = [];
          const subscription = store.subscribe({
            stopWhenCaughtUp: true,
            onEvents: () => assert.fail('nothing to deliver'),
            onCaughtUp: (position) => void caughtUp.push(position),
          });
          await settles(subscription.done, 'done');
          assert.deepEqual(caughtUp, [0]);
          assert.equal(subscription.position(), 0);
        }));

      test('also delivers what was appended while it caught up', () =>
        withStore(backend, async ({ store }) => {
          const stored = await store.append('s', evs(2));
          const seen: RecordedEvent[] = [];
          let appended: readonly RecordedEvent[] = [];
          const subscription = store.subscribe({
            batchSize: 1,
            stopWhenCaughtUp: true,
            onEvents: async (events) => {
              seen.push(...events);
              if (appended.length === 0) appended = (await store.append('late', evs(2))).events;
            },
          });
          await settles(subscription.done, 'done');
          assert.deepEqual(seen, [...stored.events, ...appended]);
        }));

      test('with a filter, ends at the head even when the last events do not match', () =>
        withStore(backend, async ({ store }) => {
          const matching = await store.append('s', [ev('A'), ev('B'), ev('A')]);
          const other = await store.append('t', [ev('B'), ev('B')]);
          const seen: RecordedEvent[] = [];
          const subscription = store.subscribe({
            filter: { types: ['A'] },
            stopWhenCaughtUp: true,
            onEvents: (events) => void seen.push(...events),
          });
          await settles(subscription.done, 'done');
          assert.deepEqual(positions(seen), positions(matching.events.filter((event) => event.type === 'A')));
          assert.equal(subscription.position(), other.position);
        }));

      test('a handler throw still rejects done', () =>
        withStore(backend, async ({ store }) => {
          await store.append('s', evs(2));
          const subscription = store.subscribe({
            stopWhenCaughtUp: true,
            onEvents: () => {
              throw new Error('handler failed');
            },
          });
          await assert.rejects(settles(subscription.done, 'done'), /handler failed/);
        }));
    });

    test('reports catch-up at 0 on an empty store and then delivers live', () =>
      withStore(backend, async ({ store }) => {
        const seen: RecordedEvent[] = [];
        const caughtUp: number[] = [];
        const subscription = store.subscribe({
          onEvents: (events) => void seen.push(...events),
          onCaughtUp: (position) => void caughtUp.push(position),
        });
        await until(() => caughtUp.length >= 1, 'catch-up');
        assert.equal(caughtUp[0], 0);
        const appended = await store.append('s', evs(2));
        await until(() => seen.length >= 2, 'live events');
        assert.deepEqual(seen, appended.events);
        await subscription.stop();
      }));

    test('starts after a checkpoint', () =>
      withStore(backend, async ({ store }) => {
        const { events } = await store.append('s', evs(5));
        const checkpoint = events[1]?.position ?? 0;
        const seen: RecordedEvent[] = [];
        let caughtUp = false;
        const subscription = store.subscribe({
          after: checkpoint,
          onEvents: (batch) => void seen.push(...batch),
          onCaughtUp: () => {
            caughtUp = true;
          },
        });
        await until(() => caughtUp, 'catch-up');
        assert.deepEqual(seen, events.slice(2));
        await subscription.stop();
      }));

    test('a checkpoint at the head delivers only new events', () =>
      withStore(backend, async ({ store }) => {
        const old = await store.append('s', evs(3));
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribe({
          after: old.position,
          onEvents: (batch) => void seen.push(...batch),
        });
        const fresh = await store.append('s', evs(1));
        await until(() => seen.length >= 1, 'the new event');
        assert.deepEqual(seen, fresh.events);
        await subscription.stop();
      }));

    test('a filter delivers matching events only, while the position moves past the rest', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', [
          ev('A', { n: 1 }, { tags: ['k'] }),
          ev('B', { n: 2 }),
          ev('A', { n: 3 }),
          ev('C', { n: 4 }, { tags: ['k'] }),
        ]);
        const last = await store.append('s', [ev('B', { n: 5 })]);
        const seen: RecordedEvent[] = [];
        const caughtUp: number[] = [];
        const subscription = store.subscribe({
          filter: [{ types: ['A'], tags: ['k'] }, { types: ['C'] }],
          batchSize: 2,
          onEvents: (batch) => void seen.push(...batch),
          onCaughtUp: (position) => void caughtUp.push(position),
        });
        await until(() => caughtUp.length >= 1, 'catch-up');
        assert.deepEqual(
          seen.map((event) => event.data),
          [{ n: 1 }, { n: 4 }],
        );
        assert.equal(caughtUp[0], last.position);
        assert.equal(subscription.position(), last.position);
        await subscription.stop();
      }));

    test('stop() ends delivery and resolves done', () =>
      withStore(backend, async ({ store }) => {
        const seen: RecordedEvent[] = [];
        const subscription = store.subscribe({ onEvents: (batch) => void seen.push(...batch) });
        await store.append('s', evs(1));
        await until(() => seen.length === 1, 'the first event');
        await settles(subscription.stop(), 'stop()');
        await settles(subscription.done, 'done');
        const other = witness(store);
        await store.append('s', evs(2));
        await until(() => other.seen.length === 3, 'the witness');
        assert.equal(seen.length, 1);
        await other.subscription.stop();
      }));

    test('a handler throw stops the subscription, rejects done and reaches onError', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(3));
        const boom = new Error('handler failed');
        const errors: unknown[] = [];
        let calls = 0;
        const subscription = store.subscribe({
          batchSize: 1,
          onEvents: () => {
            calls += 1;
            throw boom;
          },
          onError: (error) => void errors.push(error),
        });
        await assert.rejects(settles(subscription.done, 'done'), (error) => error === boom);
        assert.deepEqual(errors, [boom]);
        const other = witness(store);
        await store.append('s', evs(1));
        await until(() => other.seen.length === 4, 'the witness');
        assert.equal(calls, 1);
        await subscription.stop();
        await other.subscription.stop();
      }));

    test('an async handler rejection stops it the same way', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(2));
        const boom = new Error('async failure');
        const subscription = store.subscribe({
          onEvents: async () => {
            await Promise.resolve();
            throw boom;
          },
        });
        await assert.rejects(settles(subscription.done, 'done'), (error) => error === boom);
      }));

    test('back-pressure: the next batch waits for the handler', () =>
      withStore(backend, async ({ store }) => {
        await store.append('s', evs(4));
        const hold = gate();
        const seen: RecordedEvent[] = [];
        let running = 0;
        let maxRunning = 0;
        let calls = 0;
        const subscription = store.subscribe({
          batchSize: 1,
          onEvents: async (batch) => {
            calls += 1;
            running += 1;
            maxRunning = Math.max(maxRunning, running);
            if (calls === 1) await hold.wait;
            seen.push(...batch);
            running -= 1;
          },
        });
        await until(() => calls === 1, 'the first batch');
        // A second subscription receives everything, so the first one is held back by its handler only.
        const other = witness(store);
        await store.append('s', evs(2));
        await until(() => other.seen.length === 6, 'the witness');
        assert.equal(calls, 1);
        hold.open();
        await until(() => seen.length === 6, 'the rest after release');
        assert.equal(maxRunning, 1);
        assertIncreasing(positions(seen), 'delivered positions');
        await subscription.stop();
        await other.subscription.stop();
      }));

    test('batches respect batchSize and global order', () =>
      withStore(backend, async ({ store }) => {
        await store.append('a', evs(4));
        await store.append('b', evs(3));
        const expected = await store.readAll();
        const batches: RecordedEvent[][] = [];
        const subscription = store.subscribe({
          batchSize: 3,
          onEvents: (batch) => void batches.push([...batch]),
        });
        await until(() => batches.flat().length === 7, 'all events');
        assert.ok(batches.every((batch) => batch.length >= 1 && batch.length <= 3));
        assert.deepEqual(batches.flat(), expected);
        await subscription.stop();
      }));
  });
};

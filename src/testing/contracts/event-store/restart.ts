/** Restart: a durable backend keeps everything across close and reopen. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { RecordedEvent } from '../../../core/envelope.js';
import type { EventStore } from '../../../core/store.js';
import type { EventStoreContractBackend } from './support.js';
import { ev, evs, readWholeLog, requireCapability, revisions, until, withStore } from './support.js';

const snapshot = async (store: EventStore) => ({
  log: await readWholeLog(store),
  head: await store.headPosition(),
  streams: await Promise.all(['s', 'other', 'gone'].map((id) => store.readStream(id))),
  states: await Promise.all(['s', 'other', 'gone', 'meta-only'].map((id) => store.streamState(id))),
});

export const describeRestart = (backend: EventStoreContractBackend): void => {
  describe('restart', () => {
    test('keeps events, positions, metadata, truncation and deletions', (t) =>
      withStore(backend, async (handle) => {
        if (!requireCapability(t, handle.reopen, 'reopen')) return;
        const first = handle.store;
        const original = await first.append(
          's',
          [
            ev(
              'Opened',
              { owner: 'ana' },
              { id: 'open-1', tags: ['account:1'], metadata: { correlationId: 'c1' } },
            ),
            ev('Deposited', { amount: 10 }, { id: 'dep-1', tags: ['account:1'] }),
          ],
          { expectedRevision: 'no-stream' },
        );
        await first.append('other', evs(4));
        await first.truncateStream('other', 2);
        await first.append('gone', evs(2));
        await first.deleteStream('gone');
        await first.setStreamMetadata('s', { maxCount: 10, custom: { plan: 'gold' } });
        await first.setStreamMetadata('meta-only', { maxAge: 3600 });
        const before = await snapshot(first);

        let store = await handle.reopen();
        assert.deepEqual(await snapshot(store), before);
        // A second restart keeps the same too.
        store = await handle.reopen();
        assert.deepEqual(await snapshot(store), before);

        const repeat = await store.append('s', [
          ev(
            'Opened',
            { owner: 'ana' },
            { id: 'open-1', tags: ['account:1'], metadata: { correlationId: 'c1' } },
          ),
          ev('Deposited', { amount: 10 }, { id: 'dep-1', tags: ['account:1'] }),
        ]);
        assert.equal(repeat.duplicate, true);
        assert.deepEqual(repeat.events, original.events);

        const next = await store.append('s', [ev('Withdrawn', { amount: 3 })], { expectedRevision: 1 });
        assert.equal(next.nextExpectedRevision, 2);
        assert.ok(next.position > before.head);
        const reborn = await store.append('gone', evs(1), { expectedRevision: 'no-stream' });
        assert.equal(reborn.nextExpectedRevision, 2);
        assert.deepEqual(revisions(await store.readStream('gone')), [2]);

        const seen: RecordedEvent[] = [];
        const subscription = store.subscribe({ onEvents: (batch) => void seen.push(...batch) });
        await until(() => seen.length === before.log.length + 2, 'the subscriber');
        await subscription.stop();
        assert.deepEqual(seen, await readWholeLog(store));
      }));
  });
};

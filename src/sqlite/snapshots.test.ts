import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handle, snapshotKey } from 'eventfold';
import { createSqliteSnapshotStore } from 'eventfold/sqlite';
import { withTempSqliteStore } from 'eventfold/testing';
import { increment, incrementCounter } from '../commands/examples.test-support.js';

describe('SQLite snapshot store', () => {
  it('keeps snapshots in the store file across a restart, with identical results to no snapshots', () =>
    withTempSqliteStore(async ({ store, reopen }) => {
      const sizes = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
      const snapshots = { store: createSqliteSnapshotStore(store), every: 3 };
      const withSnapshots = [];
      for (const by of sizes)
        withSnapshots.push((await handle(store, incrementCounter, increment('s', by), { snapshots })).state);
      const withoutSnapshots = [];
      for (const by of sizes)
        withoutSnapshots.push((await handle(store, incrementCounter, increment('n', by))).state);
      assert.deepEqual(withSnapshots, withoutSnapshots);

      await store.close();
      const restarted = await reopen();
      const reloaded = createSqliteSnapshotStore(restarted);
      assert.deepEqual(await reloaded.load(snapshotKey(incrementCounter, 'counter-s')), {
        state: { total: 36, increments: 9 },
        revision: 8,
        version: 1,
      });
      assert.equal(await reloaded.load('default/unknown'), undefined);
      const next = await handle(restarted, incrementCounter, increment('s', 1), {
        snapshots: { store: reloaded },
      });
      assert.deepEqual(next.state, { total: 45, increments: 12 });
    }));
});

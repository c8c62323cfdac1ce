import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createMemorySnapshotStore,
  createMemoryStore,
  type EventStore,
  type HandleResult,
  handle,
  type SnapshotStore,
  snapshotKey,
} from 'eventfold';
import { type CounterState, increment, incrementCounter } from './examples.test-support.js';

const sizes = [1, 2, 3, 1, 4, 2, 5, 1, 1, 3, 2, 7, 1, 2, 9];

/** Runs the same commands on a fresh store; returns every result, for comparison. */
const run = async (
  store: EventStore,
  snapshots?: { store: SnapshotStore; every: number },
): Promise<readonly HandleResult<CounterState>[]> => {
  const results: HandleResult<CounterState>[] = [];
  for (const by of sizes)
    results.push(await handle(store, incrementCounter, increment('s', by), { snapshots }));
  return results;
};

const comparable = (results: readonly HandleResult<CounterState>[]) =>
  results.map(({ events, nextExpectedRevision, position, state }) => ({
    events: events.map(({ type, data, revision }) => ({ type, data, revision })),
    nextExpectedRevision,
    position,
    state,
  }));

describe('snapshots', () => {
  it('are transparent: results are identical with and without them', async () => {
    const snapshots = createMemorySnapshotStore();
    const saves: number[] = [];
    const counting: SnapshotStore = {
      load: snapshots.load,
      save: async (key, snapshot) => {
        saves.push(snapshot.revision);
        await snapshots.save(key, snapshot);
      },
    };
    const plain = await run(createMemoryStore());
    const snapshotted = await run(createMemoryStore(), { store: counting, every: 4 });
    assert.deepEqual(comparable(snapshotted), comparable(plain));
    assert.deepEqual(saves, [3, 7, 11], 'a snapshot every 4 events');
  });

  it('are used: the state starts from the snapshot, newer events folded on top', async () => {
    const store = createMemoryStore();
    const snapshots = createMemorySnapshotStore();
    await handle(store, incrementCounter, increment('u', 1));
    await handle(store, incrementCounter, increment('u', 2));
    // A planted snapshot at revision 0 with a state no fold would produce shows it is really read.
    await snapshots.save(snapshotKey(incrementCounter, 'counter-u'), {
      state: { total: 50, increments: 1 },
      revision: 0,
      version: 1,
    });
    const result = await handle(store, incrementCounter, increment('u', 3), {
      snapshots: { store: snapshots },
    });
    assert.deepEqual(result.state, { total: 55, increments: 3 });
  });

  it('from another snapshotVersion are ignored and replaced', async () => {
    const store = createMemoryStore();
    const snapshots = createMemorySnapshotStore();
    await handle(store, incrementCounter, increment('v', 1));
    const key = snapshotKey(incrementCounter, 'counter-v');
    await snapshots.save(key, { state: { total: 50, increments: 1 }, revision: 0, version: 1 });
    const definition = { ...incrementCounter, snapshotVersion: 2 };
    const result = await handle(store, definition, increment('v', 2), {
      snapshots: { store: snapshots, every: 1 },
    });
    assert.deepEqual(result.state, { total: 3, increments: 2 });
    assert.deepEqual(await snapshots.load(key), {
      state: { total: 3, increments: 2 },
      revision: 1,
      version: 2,
    });
  });

  it('of a stream deleted since are ignored: the state is the stream as readers see it', async () => {
    const store = createMemoryStore();
    const snapshots = createMemorySnapshotStore();
    const options = { snapshots: { store: snapshots, every: 1 } };
    await handle(store, incrementCounter, increment('w', 10), options);
    await handle(store, incrementCounter, increment('w', 10), options);
    assert.equal(snapshots.size(), 1);
    await store.deleteStream('counter-w');
    const result = await handle(store, incrementCounter, increment('w', 1), options);
    assert.deepEqual(result.state, { total: 1, increments: 1 });
  });

  it('a failing save does not fail the command and is reported', async () => {
    const store = createMemoryStore();
    const errors: unknown[] = [];
    const broken: SnapshotStore = {
      load: async () => undefined,
      save: async () => {
        throw new Error('disk full');
      },
    };
    const result = await handle(store, incrementCounter, increment('f', 1), {
      snapshots: { store: broken, every: 1, onError: (error) => errors.push(error) },
    });
    assert.equal(result.events.length, 1);
    assert.equal(errors.length, 1);
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type Decider, defineCommand, handle, type Message } from 'eventfold';
import { createPostgresSnapshotStore } from 'eventfold/postgres';
import { openSchema } from './postgres-support.js';

type Add = Message<'Add', { counter: string; by: number }>;
type Added = Message<'Added', { by: number }>;
interface Total {
  readonly total: number;
  readonly adds: number;
}
const counter: Decider<Add, Added, Total> = {
  initialState: () => ({ total: 0, adds: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.by, adds: state.adds + 1 }),
  decide: (command) => [{ type: 'Added', data: { by: command.data.by } }],
};
const counters = defineCommand({
  type: 'Add',
  name: 'counter',
  decider: counter,
  streamId: (command: Add) => `counter-${command.data.counter}`,
});
const add = (name: string, by: number): Add => ({ type: 'Add', data: { counter: name, by } });

describe('PostgreSQL snapshot store', () => {
  const schema = openSchema();
  after(() => schema.dispose());

  it('keeps snapshots in the store schema across a restart, with identical results to no snapshots', async () => {
    const store = schema.open();
    const sizes = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const snapshots = { store: createPostgresSnapshotStore(store), every: 3 };
    const withSnapshots = [];
    for (const by of sizes)
      withSnapshots.push((await handle(store, counters, add('s', by), { snapshots })).state);
    const withoutSnapshots = [];
    for (const by of sizes) withoutSnapshots.push((await handle(store, counters, add('n', by))).state);
    assert.deepEqual(withSnapshots, withoutSnapshots);

    const restarted = createPostgresSnapshotStore(schema.open());
    assert.deepEqual(await restarted.load('counter/counter-s'), {
      state: { total: 36, adds: 9 },
      revision: 8,
      version: 1,
    });
    assert.equal(await restarted.load('counter/unknown'), undefined);
  });

  it('a later save replaces the snapshot of its key', async () => {
    const snapshots = createPostgresSnapshotStore(schema.open());
    await snapshots.save('k', { state: { n: 1 }, revision: 1, version: 1 });
    await snapshots.save('k', { state: { n: 'two\u0000' }, revision: 2, version: 2 });
    assert.deepEqual(await snapshots.load('k'), { state: { n: 'two\u0000' }, revision: 2, version: 2 });
  });
});

// A tiny decider and backends for the queue and HTTP tests (not part of the library).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Decider, EventStore, Message, PreCheckContext } from 'eventfold';
import { createMemoryStore, defineCommand, reject } from 'eventfold';
import { createSqliteStore, type SqliteEventStore } from 'eventfold/sqlite';
import { createMemoryCommandLog } from '../memory/command-log.js';
import { createSqliteCommandLog } from '../sqlite/command-log.js';
import { type AddCommand, add, counterStream } from '../testing/contracts/command-log/support.js';
import type { CommandLog } from './types.js';

// The command log contract ships in eventfold/testing and owns the sample command.
export { type AddCommand, add, counterStream };
export type AddedEvent = Message<'Added', { amount: number; total: number }>;

/** A counter that refuses to exceed 100: rejection code LIMIT_EXCEEDED. */
export const counter: Decider<AddCommand, AddedEvent, { readonly total: number }> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => (event.type === 'Added' ? { total: event.data.total } : state),
  decide: (command, state) =>
    state.total + command.data.amount > 100
      ? reject('LIMIT_EXCEEDED', `counter ${command.data.counterId} would exceed 100`)
      : [{ type: 'Added', data: { amount: command.data.amount, total: state.total + command.data.amount } }],
};

export type CounterState = { readonly total: number };

/** The definition of `Add`, keyed by counter, with an optional pre-check. */
export const addCommand = (preCheck?: (command: AddCommand, context: PreCheckContext) => Promise<void>) =>
  defineCommand({
    type: 'Add',
    decider: counter,
    streamId: (command: AddCommand) => counterStream(command.data.counterId),
    ...(preCheck ? { preCheck } : {}),
  });

/** A store and command log pair, with the means to reopen the same data and to clean up. */
export interface Backend {
  readonly name: string;
  readonly store: EventStore;
  readonly log: CommandLog;
  /** Closes and opens the same data again (SQLite); the memory backend returns itself. */
  readonly reopen: () => Promise<Backend>;
  readonly dispose: () => Promise<void>;
}

export const memoryBackend = (): Backend => {
  const store = createMemoryStore();
  const backend: Backend = {
    name: 'memory',
    store,
    log: createMemoryCommandLog({ store }),
    reopen: async () => backend,
    dispose: () => store.close(),
  };
  return backend;
};

const openSqlite = (dir: string, path: string): Backend => {
  const store: SqliteEventStore = createSqliteStore({ path });
  return {
    name: 'sqlite',
    store,
    log: createSqliteCommandLog({ store }),
    reopen: async () => {
      await store.close();
      return openSqlite(dir, path);
    },
    dispose: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
};

export const sqliteBackend = async (): Promise<Backend> => {
  const dir = await mkdtemp(join(tmpdir(), 'eventfold-queue-'));
  return openSqlite(dir, join(dir, 'events.db'));
};

/** Every backend the queue tests run on. */
export const backends: readonly { readonly name: string; readonly open: () => Promise<Backend> }[] = [
  { name: 'memory', open: async () => memoryBackend() },
  { name: 'sqlite', open: sqliteBackend },
];

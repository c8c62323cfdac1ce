// Child process for the contract mutants test: runs part of the event store contract on a memory
// store broken in the one way named by argv[2] ('none' leaves it intact), and exits non-zero when a
// contract test fails.
import { createMemoryStore, type EventStore, type StoreOptions, ValidationError } from 'eventfold';
import { describeEventStoreContract } from 'eventfold/testing';

type Mutant = (store: EventStore) => EventStore;

/** Each reverts or breaks one behaviour the contract promises. */
const mutants: Readonly<Record<string, Mutant>> = {
  none: (store) => store,
  'readAllPage never has more': (store) => ({
    ...store,
    readAllPage: async (options) => ({ ...(await store.readAllPage(options)), hasMore: false }),
  }),
  'readAllPage reads its probe event too': (store) => ({
    ...store,
    readAllPage: async (options) => {
      const page = await store.readAllPage(options);
      const events = await store.readAll({
        after: options?.after ?? 0,
        ...(options?.maxCount === undefined ? {} : { maxCount: options.maxCount + 1 }),
      });
      return { ...page, events };
    },
  }),
  'readAllPage nextPosition stays at after': (store) => ({
    ...store,
    readAllPage: async (options) => ({
      ...(await store.readAllPage(options)),
      nextPosition: options?.after ?? 0,
    }),
  }),
  'stopWhenCaughtUp ends before delivering': (store) => ({
    ...store,
    subscribe: (options) => {
      if (options.stopWhenCaughtUp !== true) return store.subscribe(options);
      const after = options.after ?? 0;
      options.onCaughtUp?.(after);
      return { position: () => after, stop: async () => undefined, done: Promise.resolve() };
    },
  }),
  'append refuses expectedRevision -1 (before the fix)': (store) => ({
    ...store,
    append: async (streamId, events, options) => {
      if (options?.expectedRevision === -1)
        throw new ValidationError('expectedRevision: must be a non-negative integer');
      return store.append(streamId, events, options);
    },
  }),
  'a repeat on a deleted stream answers its last stored revision': (store) => ({
    ...store,
    append: async (streamId, events, options) => {
      const result = await store.append(streamId, events, options);
      return result.duplicate && result.nextExpectedRevision === -1
        ? { ...result, nextExpectedRevision: Math.max(...result.events.map((event) => event.revision)) }
        : result;
    },
  }),
};

const name = process.argv[2] ?? 'none';
const mutant = mutants[name];
if (mutant === undefined) throw new Error(`unknown mutant ${name}`);
describeEventStoreContract({
  name: `memory, mutant: ${name}`,
  create: async (options?: StoreOptions) => ({ store: mutant(createMemoryStore(options)) }),
});

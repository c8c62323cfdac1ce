/**
 * A conformance backend over one memory store seen through several "instances": each view has its
 * own open/closed state and subscriptions, all share the same data. It lets the memory run cover
 * the suite's restart and cross-instance tests too, so they are known to work before a durable
 * backend depends on them.
 */
import { type EventStore, StoreClosedError, type StoreOptions, type Subscription } from 'eventfold';
import type { EventStoreContractBackend, EventStoreContractHandle } from 'eventfold/testing';

const createView = (shared: EventStore): EventStore => {
  let closed = false;
  const subscriptions = new Set<Subscription>();
  const open =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (closed) throw new StoreClosedError();
      return operation(...args);
    };
  return {
    append: open(shared.append),
    readStream: open(shared.readStream),
    readAll: open(shared.readAll),
    readAllPage: open(shared.readAllPage),
    readByQuery: open(shared.readByQuery),
    headPosition: open(shared.headPosition),
    streamState: open(shared.streamState),
    setStreamMetadata: open(shared.setStreamMetadata),
    deleteStream: open(shared.deleteStream),
    truncateStream: open(shared.truncateStream),
    subscribe: (options) => {
      if (closed) throw new StoreClosedError();
      const subscription = shared.subscribe(options);
      subscriptions.add(subscription);
      return subscription;
    },
    close: async () => {
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
    },
  };
};

/** Wraps a store factory so every handle supports `reopen` and `openAnother` over shared data. */
export const sharedViewsBackend = (
  name: string,
  createStore: (options?: StoreOptions) => EventStore,
): EventStoreContractBackend => ({
  name,
  create: async (options): Promise<EventStoreContractHandle> => {
    const shared = createStore(options);
    const views: EventStore[] = [];
    const view = (): EventStore => {
      const created = createView(shared);
      views.push(created);
      return created;
    };
    let current = view();
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = view();
        return current;
      },
      openAnother: async () => view(),
      dispose: async () => {
        for (const opened of views) await opened.close();
        await shared.close();
      },
    };
  },
});

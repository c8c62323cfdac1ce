/**
 * The event store conformance suite: one set of tests every backend (memory, sqlite, postgres)
 * must pass unchanged. A backend test file calls `describeEventStoreConformance` with a factory
 * that hands each test a fresh, empty store it owns:
 *
 *   describeEventStoreConformance({ name: 'memory', create: async (o) => ({
 *     store: createMemoryStore(o), dispose: async () => {} }) });
 *
 * Tests only look at outputs (returned values, reads, typed errors). Tests needing `reopen` or
 * `openAnother` are skipped for backends without them. `dispose` must tolerate stores the test
 * already closed.
 */
import { describe } from 'node:test';
import type { EventStore, StoreOptions } from 'eventfold';
import { describeAppend } from './conformance/append.js';
import { describeBadInput } from './conformance/bad-input.js';
import { describeClose } from './conformance/close.js';
import { describeQueries } from './conformance/condition.js';
import { describeIdempotency } from './conformance/idempotency.js';
import { describeLifecycle } from './conformance/lifecycle.js';
import { describePayloads } from './conformance/payloads.js';
import { describeRaces } from './conformance/races.js';
import { describeReads } from './conformance/reads.js';
import { describeRestart } from './conformance/restart.js';
import { describeSubscriptions } from './conformance/subscriptions.js';

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
  describe(`event store conformance: ${backend.name}`, () => {
    describeAppend(backend);
    describeIdempotency(backend);
    describeQueries(backend);
    describeReads(backend);
    describeSubscriptions(backend);
    describeLifecycle(backend);
    describeRaces(backend);
    describeRestart(backend);
    describePayloads(backend);
    describeBadInput(backend);
    describeClose(backend);
  });
};

/**
 * The event store contract: one set of tests every `EventStore` adapter (memory, SQLite,
 * PostgreSQL, or one of your own) must pass unchanged. Tests only look at outputs: returned
 * values, reads, subscriptions and typed errors.
 */
import { describe } from 'node:test';
import { describeAppend } from './append.js';
import { describeBadInput } from './bad-input.js';
import { describeClose } from './close.js';
import { describeQueries } from './condition.js';
import { describeIdempotency } from './idempotency.js';
import { describeLifecycle } from './lifecycle.js';
import { describePayloads } from './payloads.js';
import { describeRaces } from './races.js';
import { describeReads } from './reads.js';
import { describeRestart } from './restart.js';
import { describeSubscriptions } from './subscriptions.js';
import type { EventStoreContractBackend } from './support.js';

export type { EventStoreContractBackend, EventStoreContractHandle } from './support.js';

/**
 * Declares the whole event store contract as node:test `describe` blocks for one backend. Call
 * it at the top level of a `*.test.ts` file; each test gets a fresh store from `create`:
 *
 *   describeEventStoreContract({
 *     name: 'my-store',
 *     create: async (options) => {
 *       const store = createMyStore(options);
 *       return { store, dispose: () => dropMyData() };
 *     },
 *   });
 *
 * Give the handle `reopen` (close, then open the same data again) and `openAnother` (a second
 * store on the same data) when the backend can: the restart and cross-instance tests are
 * skipped without them.
 */
export const describeEventStoreContract = (backend: EventStoreContractBackend): void => {
  describe(`event store contract: ${backend.name}`, () => {
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

/**
 * `eventfold/testing`: given/when/then helpers for deciders and projectors, fixtures for tests
 * of code built on Eventfold, and the contract suites an adapter (ours or yours) proves itself
 * with. Never imported by the main entry.
 */

export type {
  CommandLogContractBackend,
  CommandLogContractHandle,
} from './contracts/command-log/index.js';
/** The command log contract suite: one call proves a `CommandLog` adapter (node:test). */
export { describeCommandLogContract } from './contracts/command-log/index.js';
export type {
  EventStoreContractBackend,
  EventStoreContractHandle,
} from './contracts/event-store/index.js';
/** The event store contract suite: one call proves an `EventStore` adapter (node:test). */
export { describeEventStoreContract } from './contracts/event-store/index.js';
export type {
  DeciderSpec,
  DeciderThen,
  DeciderWhen,
  ExpectedEvent,
  RejectionMatcher,
} from './decider-spec.js';
export { deciderSpec } from './decider-spec.js';
export type { TempPostgresStore, TempPostgresStoreOptions } from './postgres.js';
export { createTempPostgresStore, withTempPostgresStore } from './postgres.js';
export type { GivenEvent, ProjectorFixture, ProjectorSpec, ProjectorThen } from './projector-spec.js';
export {
  memoryProjection,
  postgresProjection,
  projectorSpec,
  recordGiven,
  sqliteProjection,
} from './projector-spec.js';
export type { TempSqliteStore } from './sqlite.js';
export { createTempSqliteStore, withTempSqliteStore } from './sqlite.js';

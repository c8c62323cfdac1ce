/**
 * `eventfold/postgres`: the PostgreSQL event store (production backend), its transactions shared
 * with the caller's SQL, schema migrations, and the runtime's PostgreSQL parts: the command log
 * (partitions leased across nodes) and the projection target (checkpoint in the read model's transaction).
 */

export type { PartitionLeaseOptions } from '../../commands/queue/postgres-lease.js';
export { acquirePartitionLease } from '../../commands/queue/postgres-lease.js';
export type { PostgresCommandLog, PostgresCommandLogOptions } from '../../commands/queue/postgres-log.js';
export { createPostgresCommandLog } from '../../commands/queue/postgres-log.js';
export type { OwnedProjectionOptions, ProjectionLocks } from '../../projections/ownership.js';
export { DEFAULT_OWNERSHIP_RETRY_MS, startOwnedProjection } from '../../projections/ownership.js';
export type {
  PostgresProjectionOwnership,
  PostgresProjectionOwnershipOptions,
} from '../../projections/postgres-ownership.js';
export { createPostgresProjectionOwnership } from '../../projections/postgres-ownership.js';
export type { PostgresProjectionContext, PostgresTarget } from '../../projections/postgres-target.js';
export { createPostgresTarget } from '../../projections/postgres-target.js';
export type { MigratePostgresOptions } from './migrate.js';
export { migratePostgres } from './migrate.js';
export type { Migration, MigrationReport } from './schema/migrations.js';
export { LATEST_VERSION } from './schema/migrations.js';
export { createPostgresStore } from './store.js';
export type {
  PostgresConnection,
  PostgresEventStore,
  PostgresQueryResult,
  PostgresStoreOptions,
  PostgresTransaction,
} from './types.js';

/**
 * `eventfold/postgres`: the PostgreSQL event store (production backend), its transactions shared
 * with the caller's SQL, schema migrations, and the adapters of the runtime's ports: the command log
 * (partitions leased across nodes) and the projection target (a compare-and-set checkpoint in the
 * read model's transaction, so racing nodes apply a batch once).
 */

export type { PostgresCommandLog, PostgresCommandLogOptions } from './command-log.js';
export { createPostgresCommandLog } from './command-log.js';
export type { MigratePostgresOptions } from './migrate.js';
export { migratePostgres } from './migrate.js';
export type {
  PostgresProjectionOwnership,
  PostgresProjectionOwnershipOptions,
} from './projection-locks.js';
export { createPostgresProjectionOwnership } from './projection-locks.js';
export type { Migration, MigrationReport } from './schema/migrations.js';
/** The schema version this release creates and upgrades to (`migratePostgres` reports it as `to`). */
export { LATEST_VERSION as POSTGRES_SCHEMA_VERSION } from './schema/migrations.js';
export { createPostgresSnapshotStore } from './snapshots.js';
export { type PostgresReader, postgresReader } from './sql-dialect.js';
export { createPostgresStore } from './store/store.js';
export type {
  PostgresConnection,
  PostgresEventStore,
  PostgresQueryResult,
  PostgresStoreOptions,
  PostgresTransaction,
} from './store/types.js';
export type { PostgresProjectionContext, PostgresTarget } from './target.js';
export { createPostgresTarget } from './target.js';

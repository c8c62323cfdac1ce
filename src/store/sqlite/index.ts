/** `eventfold/sqlite`: the embedded event store on one SQLite file (better-sqlite3). */

// The runtime's SQLite pieces (command log, projection target, inline projections, snapshots) need
// better-sqlite3 as well, so they ship behind this entry rather than the main one.
export {
  createSqliteCommandLog,
  type SqliteCommandLogOptions,
} from '../../commands/queue/sqlite-log.js';
export {
  createSqliteSnapshotStore,
  createSqliteTarget,
  prepareSqliteInlineProjection,
  type SqliteProjectionContext,
  type SqliteTarget,
  sqliteInlineProjection,
} from '../../projections/sqlite.js';
export { createSqliteStore } from './store.js';
export type {
  SqliteDurability,
  SqliteEventStore,
  SqliteInlineProjection,
  SqliteStoreOptions,
  SqliteTransaction,
} from './types.js';

/** `eventfold/sqlite`: the embedded event store on one SQLite file (better-sqlite3). */

// The runtime's SQLite pieces (command log, projection target, inline projections, snapshots) need
// better-sqlite3 as well, so they ship behind this entry rather than the main one.
export {
  createSqliteCommandLog,
  type SqliteCommandLogOptions,
} from './command-log.js';
export { prepareSqliteInlineProjection, sqliteInlineProjection } from './inline.js';
export { createSqliteSnapshotStore } from './snapshots.js';
export { type SqliteReader, sqliteReader } from './sql-dialect.js';
export { createSqliteStore } from './store/store.js';
export type {
  SqliteDurability,
  SqliteEventStore,
  SqliteInlineProjection,
  SqliteStoreOptions,
  SqliteTransaction,
} from './store/types.js';
export { createSqliteTarget, type SqliteProjectionContext, type SqliteTarget } from './target.js';

/** The SQLite pieces of the runtime, re-exported by `eventfold/sqlite` (they need better-sqlite3). */
export { createSqliteSnapshotStore } from '../commands/sqlite-snapshots.js';
export { prepareSqliteInlineProjection, sqliteInlineProjection } from './sqlite-inline.js';
export { createSqliteTarget, type SqliteProjectionContext, type SqliteTarget } from './sqlite-target.js';

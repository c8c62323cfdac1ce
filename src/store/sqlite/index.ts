/** `eventfold/sqlite`: the embedded event store on one SQLite file (better-sqlite3). */
export { createSqliteStore } from './store.js';
export type {
  SqliteDurability,
  SqliteEventStore,
  SqliteInlineProjection,
  SqliteStoreOptions,
  SqliteTransaction,
} from './types.js';

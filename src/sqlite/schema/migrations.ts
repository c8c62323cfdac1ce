import type { Database } from 'better-sqlite3';
import { ValidationError } from '../../core/errors.js';
import type { SqliteDurability } from '../store/types.js';
import { CREATE_CHECKPOINTS } from './checkpoints.js';
import { COMMAND_LOG_SCHEMA } from './command-log.js';
import { CREATE_SNAPSHOTS } from './snapshots.js';

/**
 * Version 1 of the event store schema. Every statement is idempotent (`IF NOT EXISTS`) so a
 * half-applied migration (impossible inside one transaction, but cheap insurance) re-runs cleanly.
 *
 * - `ef_events.position` is the rowid: the global position is the table's own B-tree key, so reads
 *   "after a position" are range scans of the primary key.
 * - `UNIQUE (stream_id, revision)` is the index stream reads walk, and the last line of defence
 *   against two writers giving out the same revision.
 * - `ef_event_tags (tag, position)` without rowid: DCB conditions and tag queries walk one tag's
 *   positions in order and stop at the first match or at the limit.
 * - `ef_events (type, position)`: the same for type-only queries.
 */
export const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS ef_streams (
  stream_id TEXT PRIMARY KEY NOT NULL,
  revision INTEGER NOT NULL DEFAULT -1,
  deleted_before INTEGER NOT NULL DEFAULT 0,
  metadata TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE IF NOT EXISTS ef_events (
  position INTEGER PRIMARY KEY NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL REFERENCES ef_streams (stream_id),
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  tags TEXT NOT NULL,
  time TEXT NOT NULL,
  source TEXT NOT NULL,
  UNIQUE (stream_id, revision)
);

CREATE INDEX IF NOT EXISTS ef_events_type_position ON ef_events (type, position);

CREATE TABLE IF NOT EXISTS ef_event_tags (
  tag TEXT NOT NULL,
  position INTEGER NOT NULL REFERENCES ef_events (position),
  PRIMARY KEY (tag, position)
) WITHOUT ROWID;
`;

/**
 * Version 2: a stream's last revision is read from the `(stream_id, revision)` index (one descent
 * to its last entry) instead of being copied into `ef_streams` by every append. Rewriting that row
 * dirtied a sixth B-tree page per commit, one more WAL frame to write and fsync. `ef_streams` keeps
 * one row per stream (the foreign key of `ef_events` needs it), written when the stream is created
 * and by deletes and metadata changes only. Dropping the column (rather than leaving it stale)
 * makes a process still running version-1 statements fail loudly instead of trusting an old value.
 * The events themselves are untouched, so the index already holds every stream's last revision.
 */
export const SCHEMA_V2 = `
ALTER TABLE ef_streams DROP COLUMN revision;
`;

/**
 * Version 3: the tables of the runtime's SQLite adapters (command log, projection checkpoints,
 * snapshots), which live in the store's file so their writes commit with the events. Until now each
 * adapter created its tables itself, outside the versioned schema; `IF NOT EXISTS` keeps a file from
 * that time exactly as it is (including the command log's earlier layout, which the statements fit).
 */
export const SCHEMA_V3 = `${COMMAND_LOG_SCHEMA};
${CREATE_CHECKPOINTS};
${CREATE_SNAPSHOTS};
`;

/** Ordered migrations; a database records the versions it has applied in `ef_schema_version`. */
export const MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  { version: 1, sql: SCHEMA_V1 },
  { version: 2, sql: SCHEMA_V2 },
  { version: 3, sql: SCHEMA_V3 },
];

const SCHEMA_VERSION_TABLE = `
CREATE TABLE IF NOT EXISTS ef_schema_version (
  version INTEGER PRIMARY KEY NOT NULL,
  applied_at TEXT NOT NULL
);
`;

/** Default wait for another connection's write lock before `SQLITE_BUSY`, in milliseconds. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Connection settings. WAL lets readers (this and other processes) read while one writer commits;
 * `synchronous=FULL` fsyncs the WAL at every commit so an acknowledged append survives power loss,
 * `NORMAL` only at checkpoints (survives a process crash, may lose the last commits on power loss).
 */
export const applyPragmas = (db: Database, durability: SqliteDurability): void => {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!db.memory) db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
};

/**
 * Brings the schema to the newest version. `BEGIN IMMEDIATE` takes the write lock first, so two
 * processes opening a new file at once apply each migration exactly once.
 */
export const migrate = (db: Database, clock: () => Date): number => {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(SCHEMA_VERSION_TABLE);
    const row = db.prepare('SELECT coalesce(max(version), 0) AS version FROM ef_schema_version').get() as {
      version: number;
    };
    const insert = db.prepare('INSERT INTO ef_schema_version (version, applied_at) VALUES (?, ?)');
    let current = row.version;
    const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
    // A file written by a newer Eventfold may hold data this code would misread or corrupt.
    if (current > latest)
      throw new ValidationError(`path: the database has schema version ${current}, newer than ${latest}`, [
        { field: 'path', message: `schema version ${current} is newer than this Eventfold (${latest})` },
      ]);
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      insert.run(migration.version, clock().toISOString());
      current = migration.version;
    }
    db.exec('COMMIT');
    return current;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
};

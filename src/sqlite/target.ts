import type { Database, Statement } from 'better-sqlite3';
import { ValidationError } from '../core/errors.js';
import type { SqlProjectionContext } from '../projections/sql.js';
import { isPromise } from '../projections/steps.js';
import type { ProjectionCheckpoint, SqlTarget } from '../projections/types.js';
import { type CheckpointRow, SELECT_CHECKPOINT, UPSERT_CHECKPOINT } from './schema/checkpoints.js';
import { runSqlite, type SqliteReader, sqliteReader } from './sql-dialect.js';
import type { SqliteEventStore } from './store/types.js';

/**
 * What a projector on SQLite receives, inside the write transaction: `run` for portable statements
 * (the same projector runs on PostgreSQL) and the store's connection for SQLite-only work. Write
 * synchronously; the checkpoint commits with those writes.
 */
export interface SqliteProjectionContext extends SqlProjectionContext {
  readonly database: Database;
}

/** A projection target on the SQLite store's own file; `reader` queries its read models. */
export interface SqliteTarget extends SqlTarget<SqliteProjectionContext> {
  readonly reader: SqliteReader;
}

/** The context of a projector working on `database` (inside its write transaction). */
export const sqliteProjectionContext = (database: Database): SqliteProjectionContext => ({
  database,
  run: (statement) => runSqlite(database, statement),
});

interface CheckpointStatements {
  readonly select: Statement<[string], CheckpointRow>;
  readonly upsert: Statement<[string, number, number]>;
}

// Statements are prepared once per connection; a WeakMap keeps them tied to its lifetime.
const prepared = new WeakMap<Database, CheckpointStatements>();

/** Checkpoint statements of a connection (the table comes with the store's versioned schema). */
export const checkpointStatements = (database: Database): CheckpointStatements => {
  const existing = prepared.get(database);
  if (existing) return existing;
  const statements: CheckpointStatements = {
    select: database.prepare<[string], CheckpointRow>(SELECT_CHECKPOINT),
    upsert: database.prepare<[string, number, number]>(UPSERT_CHECKPOINT),
  };
  prepared.set(database, statements);
  return statements;
};

/** Refuses a projector step that returned a promise: a SQLite transaction cannot wait for it. */
export const mustBeSync = (result: unknown, name: string): void => {
  if (isPromise(result))
    throw new ValidationError(`projector ${name}: SQLite projections must be synchronous`, [
      { field: 'projector', message: 'apply, init and reset must not return a promise on SQLite' },
    ]);
};

/**
 * Read models in the same SQLite file as the events. `transact` is one `store.transaction`: the
 * projector's writes and the checkpoint upsert commit together (group-committed with appends) or
 * roll back together — the exactly-once effect a restarted projection relies on. The stored
 * checkpoint is read in that transaction (compare-and-set), so a batch is never applied twice,
 * even by two processes sharing the file.
 */
export const createSqliteTarget = (store: SqliteEventStore): SqliteTarget => {
  return {
    // The checkpoint table comes with the store's versioned schema, applied when the store opened.
    setup: async () => void checkpointStatements(store.database),
    readCheckpoint: async (name): Promise<ProjectionCheckpoint | undefined> =>
      checkpointStatements(store.database).select.get(name),
    transact: (name, work, checkpoint) =>
      store.transaction((tx) => {
        const statements = checkpointStatements(tx.database);
        if (checkpoint && checkpoint.position > 0) {
          const stored = statements.select.get(name)?.position ?? 0;
          if (stored >= checkpoint.position) return;
        }
        mustBeSync(work(sqliteProjectionContext(tx.database)), name);
        if (checkpoint) statements.upsert.run(name, checkpoint.position, checkpoint.version);
      }),
    // Reads share the store's connection: better-sqlite3 is synchronous, so a read never lands
    // inside a half-done write transaction.
    reader: sqliteReader(store.database),
  };
};

import type { Database, Statement } from 'better-sqlite3';
import { ValidationError } from '../core/errors.js';
import type { ProjectionCheckpoint, ProjectionTarget } from '../projections/types.js';
import { type CheckpointRow, SELECT_CHECKPOINT, UPSERT_CHECKPOINT } from './schema/checkpoints.js';
import type { SqliteEventStore } from './store/types.js';

/**
 * What a projector on SQLite receives: the store's connection, inside the write transaction. Write
 * the read model with it synchronously; the checkpoint commits with those writes.
 */
export interface SqliteProjectionContext {
  readonly database: Database;
}

/** A projection target on the SQLite store's own file. */
export type SqliteTarget = ProjectionTarget<SqliteProjectionContext, void>;

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

const mustBeSync = (result: unknown, name: string): void => {
  if (typeof result === 'object' && result !== null && 'then' in result)
    throw new ValidationError(`projector ${name}: SQLite projections must be synchronous`, [
      { field: 'projector', message: 'apply, init and reset must not return a promise on SQLite' },
    ]);
};

/**
 * Read models in the same SQLite file as the events. `transact` is one `store.transaction`: the
 * projector's writes and the checkpoint upsert commit together (group-committed with appends) or
 * roll back together — the exactly-once effect a restarted projection relies on.
 */
export const createSqliteTarget = (store: SqliteEventStore): SqliteTarget => {
  // The table is created inside a write transaction (writes happen only there), then read freely.
  const setup = (): Promise<void> => store.transaction((tx) => void checkpointStatements(tx.database));
  return {
    setup,
    readCheckpoint: async (name): Promise<ProjectionCheckpoint | undefined> => {
      if (!prepared.has(store.database)) await setup();
      return checkpointStatements(store.database).select.get(name);
    },
    transact: (name, work, checkpoint) =>
      store.transaction((tx) => {
        mustBeSync(work({ database: tx.database }), name);
        if (checkpoint)
          checkpointStatements(tx.database).upsert.run(name, checkpoint.position, checkpoint.version);
      }),
  };
};

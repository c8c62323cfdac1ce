import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { type CommandLog, createSqliteCommandLog, type EventStore, ValidationError } from 'eventfold';
import {
  createSqliteStore,
  createSqliteTarget,
  type SqliteDurability,
  type SqliteTarget,
} from 'eventfold/sqlite';

/**
 * Where the trucking system keeps everything: events, the command log, read models and their
 * checkpoints. On SQLite all of it lives in one file, so a command's events commit with its
 * outcome, and a read-model batch with its checkpoint, in one transaction.
 */
export interface TruckingBackend {
  readonly store: EventStore;
  readonly commandLog: CommandLog;
  /** Target of the read-model projectors (read model + checkpoint in one transaction). */
  readonly target: SqliteTarget;
  /** Connection the read models are queried on. */
  readonly readModels: () => Database;
  readonly close: () => Promise<void>;
}

/** How to open a backend; usually from the environment (see `backendConfigFromEnv`). */
export interface BackendConfig {
  /** Directory of the SQLite file (`trucking.sqlite`), created if missing. */
  readonly dataDir: string;
  /** `postgres://…` selects PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string;
  readonly durability?: SqliteDurability;
  readonly clock?: () => Date;
}

/** `DATA_DIR` (default `./data`), `DATABASE_URL`, `SQLITE_DURABILITY` (`full` | `normal`). */
export const backendConfigFromEnv = (env: NodeJS.ProcessEnv): BackendConfig => ({
  dataDir: env.DATA_DIR ?? './data',
  ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
  ...(env.SQLITE_DURABILITY === 'normal' ? { durability: 'normal' as const } : {}),
});

/** The embedded default: one SQLite file in `dataDir`. */
export const openSqliteBackend = (config: BackendConfig): TruckingBackend => {
  mkdirSync(config.dataDir, { recursive: true });
  const store = createSqliteStore({
    path: join(config.dataDir, 'trucking.sqlite'),
    durability: config.durability ?? 'full',
    source: 'great-plains-trucking',
    ...(config.clock ? { clock: config.clock } : {}),
  });
  return {
    store,
    commandLog: createSqliteCommandLog({ store, ...(config.clock ? { clock: config.clock } : {}) }),
    target: createSqliteTarget(store),
    readModels: () => store.database,
    close: () => store.close(),
  };
};

/**
 * The single place the storage is chosen. PostgreSQL (`DATABASE_URL`) needs a command log and a
 * read-model target on PostgreSQL; until those exist the server refuses to start rather than
 * silently using SQLite.
 */
export const openBackend = (config: BackendConfig): TruckingBackend => {
  if (config.databaseUrl !== undefined)
    throw new ValidationError('DATABASE_URL is set, but this build runs the trucking system on SQLite only', [
      { field: 'DATABASE_URL', message: 'PostgreSQL command log and read models are not available yet' },
    ]);
  return openSqliteBackend(config);
};

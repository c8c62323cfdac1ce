import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CommandLog,
  type EventStore,
  type ProjectionTarget,
  rebuildProjection,
  startProjection,
} from 'eventfold';
import {
  createSqliteCommandLog,
  createSqliteStore,
  createSqliteTarget,
  type SqliteDurability,
} from 'eventfold/sqlite';
import type { Logger } from 'pino';
import { accountsProjector, getAccount } from './accounting/accounts-view.js';
import { checkpointAfterWork } from './accounting/charge-on-delivery.js';
import { listTrucks, trucksProjector } from './dispatch/trucks-view.js';
import { openPostgresBackend } from './postgres/backend.js';
import type { TruckingProjections, TruckingReadModels } from './read-models.js';
import { getShipment, listShipments, shipmentsProjector } from './shipments/shipments-view.js';

/**
 * Where the trucking system keeps everything: events, the command log, read models and their
 * checkpoints. On SQLite all of it lives in one file, so a command's events commit with its
 * outcome, and a read-model batch with its checkpoint, in one transaction.
 */
export interface TruckingBackend {
  readonly store: EventStore;
  readonly commandLog: CommandLog;
  /** Starts the read-model projections, each committing its batch and checkpoint together. */
  readonly startProjections: (log: Logger) => TruckingProjections;
  readonly reads: TruckingReadModels;
  /**
   * Drops every read model and replays it from the events (run with the projections stopped).
   * Resolves once all three are rebuilt.
   */
  readonly rebuildProjections: (log: Logger) => Promise<void>;
  /** Target of listeners whose work is a side effect: work first, then the checkpoint. */
  readonly listenerTarget: ProjectionTarget<unknown, Promise<void>>;
  /** Starts a listener; default `startProjection`. On PostgreSQL one node at a time runs each. */
  readonly startListener?: typeof startProjection;
  readonly close: () => Promise<void>;
}

/** How to open a backend; usually from the environment (see `backendConfigFromEnv`). */
export interface BackendConfig {
  /** Directory of the SQLite file (`trucking.sqlite`), created if missing. */
  readonly dataDir: string;
  /** `postgres://…` selects PostgreSQL instead of SQLite. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema holding everything (default `trucking`). */
  readonly databaseSchema?: string;
  readonly durability?: SqliteDurability;
  readonly clock?: () => Date;
}

/**
 * `DATA_DIR` (default `./data`), `DATABASE_URL`, `DATABASE_SCHEMA` (default `trucking`),
 * `SQLITE_DURABILITY` (`full` | `normal`).
 */
export const backendConfigFromEnv = (env: NodeJS.ProcessEnv): BackendConfig => ({
  dataDir: env.DATA_DIR ?? './data',
  ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
  ...(env.DATABASE_SCHEMA ? { databaseSchema: env.DATABASE_SCHEMA } : {}),
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
  const target = createSqliteTarget(store);
  // Reads share the store's connection: better-sqlite3 is synchronous, so a read never lands
  // inside a half-done write transaction.
  const db = store.database;
  return {
    store,
    commandLog: createSqliteCommandLog({ store, ...(config.clock ? { clock: config.clock } : {}) }),
    startProjections: (log) => ({
      shipments: startProjection({ store, projector: shipmentsProjector, target, logger: log }),
      trucks: startProjection({ store, projector: trucksProjector, target, logger: log }),
      accounts: startProjection({ store, projector: accountsProjector, target, logger: log }),
    }),
    reads: {
      getShipment: async (shipmentId) => getShipment(db, shipmentId),
      listShipments: async (filter) => listShipments(db, filter),
      listTrucks: async () => listTrucks(db),
      getAccount: async (accountId) => getAccount(db, accountId),
    },
    rebuildProjections: async (log) => {
      for (const projector of [shipmentsProjector, trucksProjector, accountsProjector])
        await rebuildProjection({ store, projector, target, logger: log });
    },
    listenerTarget: checkpointAfterWork(target),
    close: () => store.close(),
  };
};

/** The single place the storage is chosen: PostgreSQL when `databaseUrl` is set, else SQLite. */
export const openBackend = (config: BackendConfig): TruckingBackend =>
  config.databaseUrl === undefined
    ? openSqliteBackend(config)
    : openPostgresBackend({
        connectionString: config.databaseUrl,
        ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
        ...(config.clock ? { clock: config.clock } : {}),
      });

import type {
  CommandLog,
  EventStore,
  Message,
  ProjectionHandle,
  ProjectionOptions,
  ProjectionTarget,
  SqlReader,
} from 'eventfold';
import type { SqliteDurability } from 'eventfold/sqlite';
import type { Logger } from 'pino';
import type { TruckingProjections } from '../read-models.js';

/**
 * Where the trucking system keeps everything: events, the command log, read models and their
 * checkpoints. On SQLite all of it lives in one file, on PostgreSQL in one schema, so a command's
 * events commit with its outcome, and a read-model batch with its checkpoint, in one transaction.
 */
export interface TruckingBackend {
  readonly store: EventStore;
  readonly commandLog: CommandLog;
  /** Queries of the read models (committed batches only), the same statements on both databases. */
  readonly readModels: SqlReader;
  /** Starts the read-model projections, each committing its batch and checkpoint together. */
  readonly startProjections: (log: Logger) => TruckingProjections;
  /**
   * Drops every read model and replays it from the events (run with the projections stopped).
   * Resolves once all three are rebuilt.
   */
  readonly rebuildProjections: (log: Logger) => Promise<void>;
  /** Target of listeners whose work is a side effect: work first, then the checkpoint. */
  readonly listenerTarget: ProjectionTarget<unknown>;
  /** Starts a listener; default `startProjection`. On PostgreSQL one node at a time runs each. */
  readonly startListener?: <E extends Message>(options: ProjectionOptions<unknown, E>) => ProjectionHandle;
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

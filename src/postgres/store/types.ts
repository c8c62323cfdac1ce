import type pg from 'pg';
import type { NewEvent } from '../../core/envelope.js';
import type { Logger } from '../../core/logger.js';
import type { AppendOptions, AppendResult, EventStore } from '../../core/store.js';
import type { StoreOptions } from '../../shared/options.js';

/** Rows and row count of a query run inside a store transaction. */
export interface PostgresQueryResult<Row> {
  readonly rows: readonly Row[];
  readonly rowCount: number;
}

/**
 * One PostgreSQL transaction shared by appends and the caller's own SQL: read models, checkpoints,
 * a command log in the same database commit together with the events or not at all.
 */
export interface PostgresTransaction {
  /**
   * Appends within this transaction; same contract and typed errors as `EventStore.append` (a failed
   * check throws but leaves the transaction usable). The first append takes the store's append lock
   * and holds it until the transaction ends: keep the work after it short.
   */
  readonly append: (
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ) => Promise<AppendResult>;
  /** Runs SQL on the transaction's connection; values always bound as `$1…` parameters. */
  readonly query: <Row extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ) => Promise<PostgresQueryResult<Row>>;
  /** Runs after the transaction commits (e.g. to wake waiters); never on rollback. */
  readonly afterCommit: (callback: () => void) => void;
  /** The store's schema, quoted for SQL (e.g. `"eventfold"`), to place the caller's tables beside it. */
  readonly schema: string;
}

/** Where the store connects: a connection string (the store owns its pool) or the caller's pool. */
export type PostgresConnection =
  | { readonly connectionString: string; readonly pool?: undefined }
  | { readonly pool: pg.Pool; readonly connectionString?: undefined };

export type PostgresStoreOptions = PostgresConnection &
  StoreOptions & {
    /** Schema holding the store's tables; several stores can share a database. Defaults to `eventfold`. */
    readonly schema?: string;
    /** Apply migrations on first use (under an advisory lock). Defaults to true; false when ops run `eventfold migrate`. */
    readonly migrate?: boolean;
    /** Connections in the pool the store creates from `connectionString`. Defaults to 10. */
    readonly poolSize?: number;
    /** Upper bound between polls when a LISTEN notification is lost. Defaults to 1000 ms. */
    readonly pollIntervalMs?: number;
    /** Appends per group commit at most. Defaults to 256. */
    readonly maxBatchSize?: number;
    /** Group commits sent before the previous one is answered (pipelining). Defaults to 1. */
    readonly maxBatchesInFlight?: number;
    /** Where connection trouble is reported. Silent when absent. */
    readonly logger?: Logger;
  };

/** The PostgreSQL event store: the store contract plus transactions shared with the caller's SQL. */
export interface PostgresEventStore extends EventStore {
  /** The pool the store uses (its own, or the one it was given). */
  readonly pool: pg.Pool;
  /** The schema name (unquoted). */
  readonly schema: string;
  /** Resolves once the schema is migrated (done lazily by every operation otherwise). */
  readonly ready: () => Promise<void>;
  /**
   * Runs `work` in one PostgreSQL transaction (READ COMMITTED): appends made through `tx.append`
   * and SQL run through `tx.query` commit together, or all roll back when `work` throws.
   */
  readonly transaction: <T>(work: (tx: PostgresTransaction) => Promise<T>) => Promise<T>;
}

import type { Database } from 'better-sqlite3';
import type { NewEvent, RecordedEvent } from '../../core/envelope.js';
import type { Logger } from '../../core/logger.js';
import type { AppendOptions, AppendResult, EventStore } from '../../core/store.js';
import type { StoreOptions } from '../../shared/options.js';

/**
 * How hard a commit is pushed to disk.
 * - `full` (default): WAL + `synchronous=FULL`; an acknowledged append survives power loss.
 * - `normal`: WAL + `synchronous=NORMAL`; survives a process crash, may lose the last commits on
 *   power loss. Faster; choose it knowingly.
 */
export type SqliteDurability = 'full' | 'normal';

/** The synchronous view of the store inside a write transaction. */
export interface SqliteTransaction {
  /** The connection, for the caller's own tables (read models, command log) in the same file. */
  readonly database: Database;
  /** Appends within this transaction; same contract and typed errors as `EventStore.append`. */
  readonly append: (streamId: string, events: readonly NewEvent[], options?: AppendOptions) => AppendResult;
  /** Runs after the enclosing transaction commits (e.g. to wake waiters); never on rollback. */
  readonly afterCommit: (callback: () => void) => void;
}

/** A projection updated in the same transaction as every append (read-your-writes, no lag). */
export interface SqliteInlineProjection {
  readonly name: string;
  /** Called inside the append's transaction with the events just appended; a throw aborts the append. */
  readonly apply: (tx: SqliteTransaction, events: readonly RecordedEvent[]) => void;
}

export interface SqliteStoreOptions extends StoreOptions {
  /** Database file; created with its schema if missing. `:memory:` for a private in-memory database. */
  readonly path: string;
  readonly durability?: SqliteDurability;
  readonly inlineProjections?: readonly SqliteInlineProjection[];
  /** Poll interval for appends made by other processes on the same file. Defaults to 250 ms. */
  readonly pollIntervalMs?: number;
  /** Receives failures of `afterCommit` callbacks (the write is committed). Silent by default. */
  readonly logger?: Logger;
}

/** The SQLite event store: the store contract plus same-file transactions for read models and logs. */
export interface SqliteEventStore extends EventStore {
  /** The underlying connection. Use it for reads; write only inside `transaction`. */
  readonly database: Database;
  /**
   * Runs `work` synchronously inside a write transaction. Its own SQL and the appends it makes
   * through `tx.append` commit together or not at all (a throw rolls back only this work, to its
   * savepoint). Concurrent calls and appends are group-committed: several share one fsync.
   */
  readonly transaction: <T>(work: (tx: SqliteTransaction) => T) => Promise<T>;
}

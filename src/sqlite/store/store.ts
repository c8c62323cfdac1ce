import Database from 'better-sqlite3';
import type { RecordedEvent } from '../../core/envelope.js';
import { StoreClosedError, ValidationError } from '../../core/errors.js';
import { type Logger, silentLogger } from '../../core/logger.js';
import type { ReadAllOptions, StreamMetadata } from '../../core/store.js';
import { createAppendSignal } from '../../shared/append-signal.js';
import { checkExpectedRevision } from '../../shared/expected-revision.js';
import { resolveStoreOptions } from '../../shared/options.js';
import { readAllPageWith } from '../../shared/read-page.js';
import { validateStreamMetadata } from '../../shared/stream-visibility.js';
import { validateExpectedRevision, validateRevision, validateStreamId } from '../../shared/validate.js';
import { applyPragmas, migrate } from '../schema/migrations.js';
import { createAppender } from './append.js';
import { createQueryRunner } from './query-sql.js';
import { createReader } from './read.js';
import { decodeEvents, decodeStreamMetadata, liveRevision } from './rows.js';
import { prepareStatements } from './statements.js';
import { createSqliteSubscriptions } from './subscribe.js';
import type { SqliteEventStore, SqliteStoreOptions, SqliteTransaction } from './types.js';
import { createGroupCommitWriter, type WriteContext } from './writer.js';

const DEFAULT_POLL_INTERVAL_MS = 250;

const openDatabase = (options: SqliteStoreOptions, clock: () => Date): Database.Database => {
  if (typeof options.path !== 'string' || options.path.length === 0)
    throw new ValidationError('path: must be a non-empty file path or ":memory:"', [
      { field: 'path', message: 'must be a non-empty file path or ":memory:"' },
    ]);
  const db = new Database(options.path);
  try {
    applyPragmas(db, options.durability ?? 'full');
    migrate(db, clock);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
};

const resolvePollInterval = (value: number | undefined): number => {
  if (value === undefined) return DEFAULT_POLL_INTERVAL_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new ValidationError('pollIntervalMs: must be a positive number', [
      { field: 'pollIntervalMs', message: 'must be a positive number' },
    ]);
  return value;
};

/**
 * Opens (creating if needed) an event store in one SQLite file: WAL, `synchronous=FULL` unless
 * `durability: 'normal'`, group-committed writes. Several stores (processes) may share a file:
 * their writes serialize on SQLite's write lock (better-sqlite3 waits for it synchronously, up to
 * `busy_timeout`), and each sees the others' appends within `pollIntervalMs`.
 *
 * @example
 * const store = createSqliteStore({ path: 'data/events.db' });
 * await store.append('cart-1', [{ type: 'ItemAdded', data: { sku: 'A' } }], { expectedRevision: 'no-stream' });
 */
export const createSqliteStore = (options: SqliteStoreOptions): SqliteEventStore => {
  const resolved = resolveStoreOptions(options);
  const pollIntervalMs = resolvePollInterval(options.pollIntervalMs);
  const db = openDatabase(options, resolved.clock);
  const statements = prepareStatements(db);
  const queries = createQueryRunner(db, statements.readAll, statements.head);
  const reader = createReader({ db, statements, queries, clock: resolved.clock });
  const appender = createAppender({
    statements,
    queries,
    options: resolved,
    inlineProjections: options.inlineProjections ?? [],
    generatedIdsAreFresh: options.newId === undefined,
  });
  const signal = createAppendSignal();
  /**
   * Set when a write of the running batch stored events. Only those batches wake subscriptions:
   * command-log and checkpoint commits change nothing they read, and waking every subscriber on
   * them made each projection's own commit trigger a round of empty reads in all the others.
   */
  let appended = false;
  const logger: Logger = options.logger ?? silentLogger;
  const writer = createGroupCommitWriter({
    db,
    statements,
    onCommit: () => {
      if (!appended) return;
      appended = false;
      signal.notify();
    },
    onCallbackError: (error) => {
      logger.error({ err: error }, 'afterCommit callback failed; the transaction is committed');
    },
  });
  /**
   * Subscriptions woken by one commit all read after the same position in the same tick: they
   * share one query and one decode. The entry is only valid for the signal version it was read at
   * (no local append since) and until the next macrotask (another process may append).
   */
  let shared:
    | { version: number; after: number; maxCount: number; events: readonly RecordedEvent[] }
    | undefined;
  const readAfter = (after: number, maxCount: number): readonly RecordedEvent[] => {
    const version = signal.version();
    if (shared && shared.version === version && shared.after === after && shared.maxCount === maxCount)
      return shared.events;
    const events = decodeEvents(statements.readAll.all(after, maxCount));
    if (shared === undefined) setImmediate(() => (shared = undefined));
    shared = { version, after, maxCount, events };
    return events;
  };
  const subscriptions = createSqliteSubscriptions({
    readAfter,
    signal,
    pollIntervalMs,
  });
  let closed = false;
  const ensureOpen = (): void => {
    if (closed) throw new StoreClosedError();
  };

  const transactionFor = (context: WriteContext): SqliteTransaction => {
    const tx: SqliteTransaction = {
      database: db,
      append: (streamId, events, appendOptions) => {
        if (!context.active()) throw new ValidationError('tx.append: the transaction is already finished');
        const result = appender.run(tx, appender.prepare(streamId, events, appendOptions), true);
        // Set after a successful append; a rolled-back one at worst causes one spurious wake-up.
        if (!result.duplicate) appended = true;
        return result;
      },
      afterCommit: context.afterCommit,
    };
    return tx;
  };

  const writeMetadata = (streamId: string, metadata: StreamMetadata): void => {
    statements.upsertStreamMetadata.run(streamId, JSON.stringify(metadata));
  };

  const readAll = async (readOptions?: ReadAllOptions): Promise<readonly RecordedEvent[]> => {
    ensureOpen();
    return reader.readAll(readOptions);
  };

  return {
    database: db,
    append: async (streamId, events, appendOptions) => {
      ensureOpen();
      const input = appender.prepare(streamId, events, appendOptions);
      return writer.enqueue((context) => {
        const result = appender.run(transactionFor(context), input, false);
        if (!result.duplicate) appended = true;
        return result;
      });
    },
    transaction: async (work) => {
      ensureOpen();
      if (typeof work !== 'function')
        throw new ValidationError('work: must be a function', [
          { field: 'work', message: 'must be a function' },
        ]);
      return writer.enqueue((context) => work(transactionFor(context)));
    },
    readStream: async (streamId, readOptions) => {
      ensureOpen();
      return reader.readStream(streamId, readOptions);
    },
    readAll,
    readAllPage: (readOptions) => readAllPageWith(readAll, readOptions),
    readByQuery: async (query, readOptions) => {
      ensureOpen();
      return reader.readByQuery(query, readOptions);
    },
    headPosition: async () => {
      ensureOpen();
      return reader.headPosition();
    },
    streamState: async (streamId) => {
      ensureOpen();
      return reader.streamState(streamId);
    },
    setStreamMetadata: async (streamId, metadata) => {
      ensureOpen();
      validateStreamId(streamId);
      validateStreamMetadata(metadata);
      await writer.enqueue(() => writeMetadata(streamId, metadata));
    },
    deleteStream: async (streamId, deleteOptions = {}) => {
      ensureOpen();
      validateStreamId(streamId);
      const expected = validateExpectedRevision(deleteOptions?.expectedRevision);
      await writer.enqueue(() => {
        const row = statements.streamRow.get(streamId);
        const conflict = checkExpectedRevision(streamId, expected, liveRevision(row));
        if (conflict) throw conflict;
        // Soft delete: hide every revision up to the last one; the events stay in the global log.
        if (row) statements.setDeletedBefore.run(row.revision + 1, streamId);
      });
    },
    truncateStream: async (streamId, beforeRevision) => {
      ensureOpen();
      validateStreamId(streamId);
      validateRevision('beforeRevision', beforeRevision);
      await writer.enqueue(() => {
        const row = statements.streamRow.get(streamId);
        const metadata = row === undefined ? {} : decodeStreamMetadata(row.metadata);
        writeMetadata(streamId, { ...metadata, truncateBefore: beforeRevision });
      });
    },
    subscribe: (subscribeOptions) => {
      ensureOpen();
      return subscriptions.subscribe(subscribeOptions);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // Writes already accepted are committed, not dropped; nothing new is accepted.
      writer.drain();
      await subscriptions.stopAll();
      db.close();
    },
  };
};

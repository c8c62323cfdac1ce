import type { Database } from 'better-sqlite3';
import { ValidationError } from '../../core/errors.js';
import type { SqliteStatements } from './statements.js';

/** What a queued write may do besides SQL: schedule work for after its batch commits. */
export interface WriteContext {
  readonly afterCommit: (callback: () => void) => void;
  /** False once the write's work has returned: a leaked transaction object must not write. */
  readonly active: () => boolean;
}

/** Largest number of queued writes committed together; bounds the latency of the last one. */
export const MAX_BATCH_SIZE = 1000;

export interface GroupCommitWriter {
  /** Queues synchronous work; it runs in the next batch, in its own savepoint. Settles after COMMIT. */
  readonly enqueue: <T>(work: (context: WriteContext) => T) => Promise<T>;
  /** Commits everything queued, synchronously. Used by `close` so accepted writes are not dropped. */
  readonly drain: () => void;
}

export interface WriterOptions {
  readonly db: Database;
  readonly statements: SqliteStatements;
  /** Called once per committed batch, before any promise settles (wakes subscriptions). */
  readonly onCommit: () => void;
  /** An `afterCommit` callback threw; the write itself is committed and still resolves. */
  readonly onCallbackError: (error: unknown) => void;
  readonly maxBatchSize?: number;
}

interface QueuedWrite {
  readonly work: (context: WriteContext) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome =
  | {
      readonly write: QueuedWrite;
      readonly ok: true;
      readonly value: unknown;
      readonly callbacks: (() => void)[];
    }
  | { readonly write: QueuedWrite; readonly ok: false; readonly error: unknown };

const isThenable = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Group commit. better-sqlite3 is synchronous, so a commit blocks the event loop for one fsync;
 * writes issued while the loop was busy (same tick, or resumed by the previous batch's promises)
 * wait in a queue and the next batch commits them all in ONE `BEGIN IMMEDIATE … COMMIT`: one fsync
 * for up to `maxBatchSize` writes. Each write runs inside its own SAVEPOINT, so a failing write
 * (conflict, failed condition, a throw in user work) rolls back to its savepoint and rejects alone
 * while the others commit. Writes in one batch run in queue order and see each other's effects.
 * Promises settle only after COMMIT returns, so an acknowledged write is durable.
 */
export const createGroupCommitWriter = (options: WriterOptions): GroupCommitWriter => {
  const { db, statements } = options;
  const maxBatchSize = options.maxBatchSize ?? MAX_BATCH_SIZE;
  let queue: QueuedWrite[] = [];
  let scheduled = false;

  /**
   * Runs one write. `isolate` wraps it in a savepoint so its failure undoes only its own changes;
   * a batch of one skips that (two statements per write) and rolls the whole transaction back instead.
   */
  const runWrite = (write: QueuedWrite, isolate: boolean): Outcome => {
    const callbacks: (() => void)[] = [];
    let open = true;
    const context: WriteContext = {
      afterCommit: (callback) => {
        if (!open) throw new ValidationError('afterCommit: the transaction is already finished');
        callbacks.push(callback);
      },
      active: () => open,
    };
    if (isolate) statements.savepoint('ef_item').run();
    try {
      const value = write.work(context);
      if (isThenable(value))
        throw new ValidationError('transaction work must be synchronous (it returned a promise)');
      if (isolate) statements.release('ef_item').run();
      return { write, ok: true, value, callbacks };
    } catch (error) {
      // SQLite rolls the whole transaction back by itself on some errors (I/O, disk full);
      // then there is no savepoint left to return to and the batch is lost (see runBatch).
      if (isolate && db.inTransaction) {
        statements.rollbackTo('ef_item').run();
        statements.release('ef_item').run();
      }
      return { write, ok: false, error };
    } finally {
      open = false;
    }
  };

  const failAll = (outcomes: readonly Outcome[], error: unknown): void => {
    for (const outcome of outcomes) outcome.write.reject(outcome.ok ? error : outcome.error);
  };

  const runBatch = (batch: readonly QueuedWrite[]): void => {
    try {
      statements.begin.run();
    } catch (error) {
      // Typically SQLITE_BUSY: another connection held the write lock past busy_timeout.
      for (const write of batch) write.reject(error);
      return;
    }
    const outcomes: Outcome[] = [];
    const isolate = batch.length > 1;
    for (const [index, write] of batch.entries()) {
      let outcome: Outcome;
      try {
        outcome = runWrite(write, isolate);
      } catch (error) {
        // The savepoint machinery itself failed: nothing in this batch can be trusted to commit.
        if (db.inTransaction) statements.rollback.run();
        failAll(outcomes, error);
        for (const rest of batch.slice(index)) rest.reject(error);
        return;
      }
      outcomes.push(outcome);
      if (!db.inTransaction) {
        // A failed write here means SQLite rolled everything back (I/O error, disk full); a
        // successful one means the work ran COMMIT or ROLLBACK on the connection itself.
        const lost = outcome.ok
          ? new ValidationError('transaction work must not end the write transaction (COMMIT/ROLLBACK)')
          : outcome.error;
        failAll(outcomes, lost);
        for (const rest of batch.slice(index + 1)) rest.reject(lost);
        return;
      }
    }
    const [only] = outcomes;
    if (!isolate && only !== undefined && !only.ok) {
      statements.rollback.run();
      only.write.reject(only.error);
      return;
    }
    try {
      statements.commit.run();
    } catch (error) {
      if (db.inTransaction) statements.rollback.run();
      failAll(outcomes, error);
      return;
    }
    options.onCommit();
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        outcome.write.reject(outcome.error);
        continue;
      }
      for (const callback of outcome.callbacks) {
        try {
          callback();
        } catch (error) {
          options.onCallbackError(error);
        }
      }
      outcome.write.resolve(outcome.value);
    }
  };

  const flushOne = (): void => {
    const batch = queue.length <= maxBatchSize ? queue : queue.slice(0, maxBatchSize);
    queue = queue.length <= maxBatchSize ? [] : queue.slice(maxBatchSize);
    runBatch(batch);
  };

  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    // setImmediate, not queueMicrotask: it runs after every promise continuation of the current
    // tick, so writers resumed by the previous batch all join the next one.
    setImmediate(() => {
      scheduled = false;
      flushOne();
      if (queue.length > 0) schedule();
    });
  };

  return {
    enqueue: <T>(work: (context: WriteContext) => T): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      }),
    drain: () => {
      while (queue.length > 0) flushOne();
    },
  };
};

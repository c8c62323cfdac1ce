import { ErrorCodes, isConcurrencyError, isConditionFailedError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AppendSignal } from '../shared/append-signal.js';
import { errorOf, refusalOf } from './outcomes.js';
import type { Pacing } from './pacing.js';
import type { CommandLog, CommandOutcome, CommandRecord, PartitionLease, WorkHandler } from './types.js';
import type { Waiters } from './waiters.js';

/** The worker settings `createWorkers` needs (defaults already applied). */
export interface WorkerSettings {
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly conflictRetries: number;
  readonly pollIntervalMs: number;
}

export interface WorkersOptions {
  readonly log: CommandLog;
  readonly handlers: ReadonlyMap<string, WorkHandler>;
  readonly settings: WorkerSettings;
  readonly logger: Logger;
  readonly waiters: Waiters;
  /** Wakes the loop: enqueues, completions, backoff expiries, foreign changes. */
  readonly wake: AppendSignal;
  readonly pacing: Pacing;
}

/** The worker loop over the partitions of one lease. */
export interface Workers {
  /** Starts the loop (it runs until `stop`). */
  readonly run: (lease: PartitionLease) => void;
  /** Ends the loop, then waits for the items in flight to commit their outcome. */
  readonly stop: () => Promise<void>;
}

/**
 * Workers take the oldest accepted item of each partition key, at most one per key at a time and
 * up to `concurrency` keys in parallel, and commit its outcome through the log. Conflicts are
 * processed again at once; unexpected errors are retried with exponential backoff and end as
 * `failed` (the dead letter) after `maxAttempts`.
 */
export const createWorkers = (options: WorkersOptions): Workers => {
  const { log, handlers, settings, logger, waiters, wake, pacing } = options;
  /** Keys with an item in flight here: the one-at-a-time-per-key rule. */
  const inFlight = new Map<string, Promise<void>>();
  /** Keys waiting out a retry delay, with the time they may run again. */
  const backingOff = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let running = false;
  let loop: Promise<void> | undefined;

  const finish = async (record: CommandRecord, outcome: CommandOutcome): Promise<void> => {
    const { applied, record: final } = await log.complete(record.commandId, outcome);
    if (!applied) logger.warn({ commandId: record.commandId }, 'command was already final; nothing applied');
    else if (final.status !== 'succeeded')
      logger.info({ commandId: final.commandId, status: final.status, error: final.error }, 'command ended');
    waiters.settle(final);
  };

  /** Processes and commits, processing again on fresh state after each conflict. */
  const attempt = async (record: CommandRecord, handler: WorkHandler): Promise<void> => {
    for (let conflicts = 0; ; conflicts += 1) {
      try {
        await finish(record, await handler.process(record));
        return;
      } catch (error) {
        const refusal = refusalOf(error);
        if (refusal) {
          await finish(record, { status: 'rejected', error: refusal });
          return;
        }
        const conflict = isConcurrencyError(error) || isConditionFailedError(error);
        if (!conflict || conflicts >= settings.conflictRetries) throw error;
      }
    }
  };

  /** Keeps a key out of the workers' picks for `delay` ms. */
  const pause = (partitionKey: string, delay: number): void => {
    backingOff.set(partitionKey, Date.now() + delay);
    const timer = setTimeout(() => {
      timers.delete(timer);
      backingOff.delete(partitionKey);
      wake.notify();
    }, delay);
    timers.add(timer);
  };

  const retryLater = async (record: CommandRecord, error: unknown): Promise<void> => {
    const attempts = record.attempts + 1;
    if (attempts >= settings.maxAttempts) {
      logger.error({ err: error, commandId: record.commandId, attempts }, 'command failed for good');
      await finish(record, { status: 'failed', error: errorOf(error) });
      return;
    }
    const delay = Math.min(settings.backoffMs * 2 ** (attempts - 1), settings.maxBackoffMs);
    // Paused before recording, so a failing log cannot turn the retry into a hot loop.
    pause(record.partitionKey, delay);
    logger.warn({ err: error, commandId: record.commandId, attempts, delay }, 'command will be retried');
    await log.recordAttempt(record.commandId, errorOf(error));
  };

  const processOne = async (record: CommandRecord): Promise<void> => {
    try {
      const handler = handlers.get(record.type);
      if (!handler) {
        // Recorded by a version that knew this type: a final, visible outcome, not a silent skip.
        await finish(record, {
          status: 'failed',
          error: {
            code: ErrorCodes.UNKNOWN_COMMAND_TYPE,
            message: `no handler for ${record.type}`,
            details: [],
          },
        });
        return;
      }
      await attempt(record, handler);
    } catch (error) {
      await retryLater(record, error).catch((recordError: unknown) => {
        // The log itself is failing (store closed, disk): the item stays accepted and is
        // picked up again on the next pass or the next start.
        logger.error({ err: recordError, commandId: record.commandId }, 'could not record the failure');
      });
    }
  };

  const launch = (record: CommandRecord): void => {
    const work = processOne(record).finally(() => {
      inFlight.delete(record.partitionKey);
      wake.notify();
    });
    inFlight.set(record.partitionKey, work);
  };

  /** Starts up to the free workers' worth of ready items; returns how many it started and could. */
  const takeBatch = async (lease: PartitionLease): Promise<{ started: number; free: number }> => {
    const free = settings.concurrency - inFlight.size;
    let started = 0;
    if (free <= 0) return { started, free };
    pacing.batchStarting();
    const excludeKeys = new Set([...inFlight.keys(), ...backingOff.keys()]);
    try {
      // One more than the free workers: tells whether a backlog is building up.
      const ready = await log.next({ partitions: lease.partitions(), excludeKeys, limit: free + 1 });
      pacing.backlog(ready.length > free);
      for (const record of ready) {
        if (!running || started >= free) break;
        if (inFlight.has(record.partitionKey)) continue;
        launch(record);
        started += 1;
      }
    } catch (error) {
      logger.error({ err: error }, 'reading the command log failed; retrying');
    }
    return { started, free };
  };

  const loopOver = async (lease: PartitionLease): Promise<void> => {
    while (running) {
      const seen = wake.version();
      if (settings.concurrency - inFlight.size > 0) {
        const delay = pacing.delay();
        if (delay > 0) {
          await pacing.pause(delay);
          continue;
        }
      }
      const { started, free } = await takeBatch(lease);
      if (!running) return;
      // More may be ready right away when every free slot was filled; otherwise sleep until an
      // enqueue, a completion, a backoff expiry, or the poll for other processes' items.
      if (started > 0 && started === free) continue;
      await wake.wait(seen, settings.pollIntervalMs);
    }
  };

  return {
    run: (lease) => {
      running = true;
      loop = loopOver(lease);
    },
    stop: async () => {
      running = false;
      wake.notify();
      pacing.interrupt();
      await loop;
      // Items in flight finish (their outcome commits) before the store may be closed.
      await Promise.allSettled([...inFlight.values()]);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      backingOff.clear();
    },
  };
};

import { randomUUID } from 'node:crypto';
import { silentLogger } from '../core/logger.js';
import { createAppendSignal } from '../shared/append-signal.js';
import { createEnqueue } from './enqueue.js';
import { timeOrderedId } from './ids.js';
import { createPacing } from './pacing.js';
import { isFinal } from './records.js';
import type { CommandQueue, PartitionLease, QueueEngineOptions, WorkHandler } from './types.js';
import { createWaiters } from './waiters.js';
import { createWorkers } from './worker.js';

const defaults = {
  concurrency: 8,
  maxAttempts: 5,
  backoffMs: 100,
  maxBackoffMs: 10_000,
  conflictRetries: 20,
  pollIntervalMs: 500,
  yieldToAcceptMs: 50,
};

/** How many accepted-here command ids `drained` keeps track of at most. */
const MAX_TRACKED_ACCEPTED = 10_000;

/** Drops `undefined` options so they do not override the defaults. */
const definedOnly = (options: QueueEngineOptions): Partial<typeof defaults> =>
  Object.fromEntries(
    Object.entries(options).filter(([key, value]) => key in defaults && value !== undefined),
  ) as Partial<typeof defaults>;

/**
 * The durable partitioned queue engine, neutral about what its items mean: `enqueue` runs the
 * handler's pre-check and durably records an item in the log; workers process each key's items
 * one at a time in arrival order (see `createWorkers`) and commit each outcome, with the events
 * it carries, in one transaction of the log. Queued commands are one kind of item
 * (`createCommandQueue` builds their handlers from command definitions).
 */
export const createQueueEngine = (options: QueueEngineOptions): CommandQueue => {
  const settings = { ...defaults, ...definedOnly(options) };
  const { log } = options;
  const logger = options.logger ?? silentLogger;
  // Time-ordered by default: item ids (and the event ids derived from them) are index keys.
  const newId = options.newId ?? timeOrderedId;
  const ownerId = options.ownerId ?? `worker-${randomUUID()}`;
  const handlers = new Map<string, WorkHandler>(options.handlers.map((handler) => [handler.type, handler]));
  const wake = createAppendSignal();
  const pacing = createPacing(settings.yieldToAcceptMs);
  const waiters = createWaiters({ log, pollIntervalMs: settings.pollIntervalMs });
  /**
   * Commands accepted here and not yet known to have ended (`drained` waits for them). Those that
   * end here leave at once; those another node processed leave at the next `drained`. Bounded, so a
   * node whose commands all end elsewhere and that never serves a list read cannot grow it forever:
   * past the bound the oldest ids are forgotten (a read then just does not wait for them).
   */
  const acceptedHere = new Set<string>();
  const rememberAccepted = (commandId: string): void => {
    acceptedHere.add(commandId);
    if (acceptedHere.size > MAX_TRACKED_ACCEPTED)
      acceptedHere.delete(acceptedHere.values().next().value as string);
  };
  const settleHere: typeof waiters = {
    ...waiters,
    settle: (record) => {
      acceptedHere.delete(record.commandId);
      waiters.settle(record);
    },
  };
  const workers = createWorkers({ log, handlers, settings, logger, waiters: settleHere, wake, pacing });
  const enqueue = createEnqueue({
    log,
    handlers,
    newId,
    onAccepted: ({ record }) => {
      rememberAccepted(record.commandId);
      pacing.accepted();
      wake.notify();
    },
  });
  let running = false;
  let lease: PartitionLease | undefined;
  let unsubscribe: (() => void) | undefined;

  return {
    enqueue,
    status: (commandId) => log.get(commandId),
    findByIdempotencyKey: (key) => log.findByIdempotencyKey(key),
    waitFor: (commandId, timeoutMs) => waiters.wait(commandId, timeoutMs),
    settled: async (partitionKey, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // Listen before counting: a completion that lands during the count still wakes the loop.
        const change = waiters.nextChange(partitionKey, Math.max(0, deadline - Date.now()));
        const pending = await log.countPending(partitionKey).catch((error: unknown) => {
          change.cancel();
          throw error;
        });
        if (pending === 0 || Date.now() >= deadline) {
          change.cancel();
          return pending === 0;
        }
        await change.changed;
      }
    },
    drained: async (timeoutMs) => {
      const ids = [...acceptedHere];
      const records = await Promise.all(ids.map((id) => waiters.wait(id, timeoutMs)));
      let drained = true;
      records.forEach((record, index) => {
        if (!record || isFinal(record.status)) acceptedHere.delete(ids[index] as string);
        else drained = false;
      });
      return drained;
    },
    start: async () => {
      if (running) return;
      lease = await log.acquire(ownerId);
      running = true;
      unsubscribe = log.onForeignChange?.(() => {
        wake.notify();
        waiters.recheck();
      });
      workers.run(lease);
      logger.info({ ownerId, partitions: lease.partitions().length }, 'command workers started');
    },
    stop: async () => {
      if (!running) return;
      running = false;
      unsubscribe?.();
      unsubscribe = undefined;
      await workers.stop();
      await lease?.release();
      lease = undefined;
      logger.info({ ownerId }, 'command workers stopped');
    },
  };
};

import { randomUUID } from 'node:crypto';
import type { Message, NewEvent } from '../core/envelope.js';
import {
  isConcurrencyError,
  isConditionFailedError,
  isNotFoundError,
  isRejectedError,
  isValidationError,
  ValidationError,
} from '../core/errors.js';
import { silentLogger } from '../core/logger.js';
import { createAppendSignal } from '../shared/append-signal.js';
import { timeOrderedId } from './ids.js';
import type {
  CommandError,
  CommandOutcome,
  CommandQueue,
  CommandQueueOptions,
  CommandRecord,
  EnqueueInput,
  EnqueueOptions,
  EnqueueResult,
  PartitionLease,
  PreparedCommand,
  QueuedCommandHandler,
} from './types.js';
import { createWaiters } from './waiters.js';

const defaults = {
  concurrency: 8,
  maxAttempts: 5,
  backoffMs: 100,
  maxBackoffMs: 10_000,
  conflictRetries: 20,
  pollIntervalMs: 500,
  yieldToAcceptMs: 50,
};

/** An enqueue this recent means the accept path is busy (see `yieldToAcceptMs`). */
const ACCEPT_QUIET_MS = 20;

/** Why processing failed, as stored on the command: never the stack, never secrets. */
const errorOf = (error: unknown): CommandError => {
  const coded = error as { code?: unknown; message?: unknown };
  return {
    code: typeof coded?.code === 'string' ? coded.code : 'PROCESSING_ERROR',
    message: typeof coded?.message === 'string' ? coded.message : String(error),
    details: [],
  };
};

/**
 * Events get ids derived from the command id (unless the decider chose them) and the command's
 * metadata: appending them twice is then a no-op, and every event says which command caused it.
 */
const stamp = (events: readonly NewEvent[], record: CommandRecord): readonly NewEvent[] =>
  events.map((event, index) => ({
    ...event,
    id: event.id ?? `${record.commandId}/${index}`,
    metadata: { ...record.metadata, ...event.metadata, commandId: record.commandId },
  }));

/**
 * Typed errors a handler may throw instead of returning a rejection: the command itself is
 * refused, so retrying could never help — a final `rejected` outcome.
 */
const refusalOf = (error: unknown): CommandError | undefined => {
  if (isRejectedError(error)) return { code: error.reason, message: error.message, details: error.details };
  if (isValidationError(error) || isNotFoundError(error))
    return {
      code: error.code,
      message: error.message,
      details: isValidationError(error) ? error.details : [],
    };
  return undefined;
};

const outcomeOf = (prepared: PreparedCommand, record: CommandRecord): CommandOutcome => {
  if (!prepared.ok) {
    const { reason, message, details } = prepared.rejection;
    return { status: 'rejected', error: { code: reason, message, details: details ?? [] } };
  }
  const result = { ...prepared.result, streamId: prepared.streamId };
  if (prepared.events.length === 0) return { status: 'succeeded', result };
  return {
    status: 'succeeded',
    result,
    append: {
      streamId: prepared.streamId,
      events: stamp(prepared.events, record),
      options: prepared.appendOptions,
    },
  };
};

/**
 * The queued command runtime. `enqueue` durably records a command (after the handler's
 * pre-check); workers take the oldest accepted command of each partition key, at most one per key
 * at a time and up to `concurrency` keys in parallel, decide it on fresh state and commit its
 * events with its outcome in one transaction. Conflicts are decided again at once; unexpected
 * errors are retried with exponential backoff and end as `failed` after `maxAttempts`.
 */
export const createCommandQueue = (options: CommandQueueOptions): CommandQueue => {
  const settings = { ...defaults, ...definedOnly(options) };
  const { store, log } = options;
  const logger = options.logger ?? silentLogger;
  // Time-ordered by default: command ids (and the event ids derived from them) are index keys.
  const newId = options.newId ?? timeOrderedId;
  const ownerId = options.ownerId ?? `worker-${randomUUID()}`;
  const handlers = new Map<string, QueuedCommandHandler>(options.handlers.map((h) => [h.type, h]));
  const wake = createAppendSignal();
  const waiters = createWaiters({ log, pollIntervalMs: settings.pollIntervalMs });
  /** Keys with a command in flight here: the one-at-a-time-per-key rule. */
  const inFlight = new Map<string, Promise<void>>();
  /** Keys waiting out a retry delay, with the time they may run again. */
  const backingOff = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let running = false;
  let lease: PartitionLease | undefined;
  let loop: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;
  /** When this process last accepted a command, and when the workers last took a batch. */
  let lastAcceptAt = Number.NEGATIVE_INFINITY;
  let lastBatchAt = Number.NEGATIVE_INFINITY;
  /** The last batch found more ready commands than free workers. */
  let backlog = false;
  /** Ends the current yield pause early (stop). */
  let endPause: (() => void) | undefined;

  const handlerFor = (type: string): QueuedCommandHandler => {
    const handler = handlers.get(type);
    if (!handler)
      throw new ValidationError(`unknown command type ${type}`, [
        { field: 'type', message: `no handler for ${type}` },
      ]);
    return handler;
  };

  const finish = async (record: CommandRecord, outcome: CommandOutcome): Promise<void> => {
    const { applied, record: final } = await log.complete(record.commandId, outcome);
    if (!applied) logger.warn({ commandId: record.commandId }, 'command was already final; nothing applied');
    else if (final.status !== 'succeeded')
      logger.info({ commandId: final.commandId, status: final.status, error: final.error }, 'command ended');
    waiters.settle(final);
  };

  /** Decides and commits, deciding again on fresh state after each conflict. */
  const attempt = async (record: CommandRecord, handler: QueuedCommandHandler): Promise<void> => {
    const command: Message = { type: record.type, data: record.data };
    const context = { store, commandId: record.commandId, metadata: record.metadata };
    for (let conflicts = 0; ; conflicts += 1) {
      try {
        await finish(record, outcomeOf(await handler.prepare(command, context), record));
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
          error: { code: 'UNKNOWN_COMMAND_TYPE', message: `no handler for ${record.type}`, details: [] },
        });
        return;
      }
      await attempt(record, handler);
    } catch (error) {
      await retryLater(record, error).catch((recordError: unknown) => {
        // The log itself is failing (store closed, disk): the command stays accepted and is
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

  /** How long the next batch should wait for the accept path; 0 to start it now. */
  const yieldDelay = (now: number): number => {
    if (settings.yieldToAcceptMs <= 0 || !backlog || now - lastAcceptAt >= ACCEPT_QUIET_MS) return 0;
    // Checked again when the accept path may have gone quiet: the backlog is drained at once then.
    const quietAt = lastAcceptAt + ACCEPT_QUIET_MS;
    return Math.max(0, Math.min(lastBatchAt + settings.yieldToAcceptMs, quietAt) - now);
  };

  const pauseFor = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        endPause = undefined;
        resolve();
      }, ms);
      endPause = () => {
        clearTimeout(timer);
        endPause = undefined;
        resolve();
      };
    });

  const run = async (): Promise<void> => {
    while (running) {
      const seen = wake.version();
      const free = settings.concurrency - inFlight.size;
      let started = 0;
      if (free > 0 && lease) {
        const delay = yieldDelay(performance.now());
        if (delay > 0) {
          await pauseFor(delay);
          continue;
        }
        lastBatchAt = performance.now();
        const excludeKeys = new Set([...inFlight.keys(), ...backingOff.keys()]);
        try {
          // One more than the free workers: tells whether a backlog is building up.
          const ready = await log.next({ partitions: lease.partitions(), excludeKeys, limit: free + 1 });
          backlog = ready.length > free;
          for (const record of ready) {
            if (!running || started >= free) break;
            if (inFlight.has(record.partitionKey)) continue;
            launch(record);
            started += 1;
          }
        } catch (error) {
          logger.error({ err: error }, 'reading the command log failed; retrying');
        }
      }
      if (!running) return;
      // More may be ready right away when every free slot was filled; otherwise sleep until an
      // enqueue, a completion, a backoff expiry, or the poll for other processes' commands.
      if (started > 0 && started === free) continue;
      await wake.wait(seen, settings.pollIntervalMs);
    }
  };

  const enqueue = async (command: Message, enqueueOptions: EnqueueOptions = {}): Promise<EnqueueResult> => {
    const handler = handlerFor(command?.type);
    const partitionKey = handler.partitionKey(command);
    const { idempotencyKey, fingerprint } = enqueueOptions;
    const inputFor = (commandId: string): EnqueueInput => {
      // Set field by field: conditional spreads cost about a microsecond each on every enqueue.
      const input: { -readonly [K in keyof EnqueueInput]: EnqueueInput[K] } = {
        commandId,
        partitionKey,
        command,
        metadata: { correlationId: commandId, ...enqueueOptions.metadata, commandId },
      };
      if (idempotencyKey !== undefined) input.idempotencyKey = idempotencyKey;
      if (fingerprint !== undefined) input.fingerprint = fingerprint;
      return input;
    };
    if (idempotencyKey !== undefined) {
      // A repeat answers with the first command even when its pre-check would now refuse it (e.g.
      // "already delivered" after the first request delivered it). The log compares fingerprints.
      const earlier = await log.findByIdempotencyKey(idempotencyKey);
      if (earlier) return log.enqueue(inputFor(earlier.commandId));
    }
    const commandId = enqueueOptions.commandId ?? newId();
    if (enqueueOptions.preCheck !== false && handler.preCheck) {
      await handler.preCheck(command, {
        store,
        pending: () => log.countPending(partitionKey),
        decide: () =>
          handler.prepare(command, { store, commandId, metadata: { ...enqueueOptions.metadata, commandId } }),
      });
    }
    const result = await log.enqueue(inputFor(commandId));
    if (!result.duplicate) {
      lastAcceptAt = performance.now();
      wake.notify();
    }
    return result;
  };

  return {
    enqueue,
    status: (commandId) => log.get(commandId),
    findByIdempotencyKey: (key) => log.findByIdempotencyKey(key),
    waitFor: (commandId, timeoutMs) => waiters.wait(commandId, timeoutMs),
    start: async () => {
      if (running) return;
      lease = await log.acquire(ownerId);
      running = true;
      unsubscribe = log.onForeignChange?.(() => {
        wake.notify();
        waiters.recheck();
      });
      loop = run();
      logger.info({ ownerId, partitions: lease.partitions().length }, 'command workers started');
    },
    stop: async () => {
      if (!running) return;
      running = false;
      unsubscribe?.();
      unsubscribe = undefined;
      wake.notify();
      endPause?.();
      await loop;
      // Commands in flight finish (their outcome commits) before the store may be closed.
      await Promise.allSettled([...inFlight.values()]);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      backingOff.clear();
      await lease?.release();
      lease = undefined;
      logger.info({ ownerId }, 'command workers stopped');
    },
  };
};

/** Drops `undefined` options so they do not override the defaults. */
const definedOnly = (options: CommandQueueOptions): Partial<typeof defaults> =>
  Object.fromEntries(
    Object.entries(options).filter(([key, value]) => key in defaults && value !== undefined),
  ) as Partial<typeof defaults>;

import type { Message } from '../core/envelope.js';
import { silentLogger } from '../core/logger.js';
import type { Subscription } from '../core/store.js';
import { validatePosition } from '../shared/validate.js';
import { applyBatch, DEFAULT_PROJECTION_BATCH_SIZE, prepareProjection } from './batch.js';
import { projectorFilter } from './steps.js';
import type { ProjectionHandle, ProjectionOptions } from './types.js';

/** Default wait of `waitForPosition`. */
export const DEFAULT_WAIT_MS = 5000;
/** Default delay before the first restart of a failed projection (doubles on each next one). */
export const DEFAULT_RESTART_DELAY_MS = 1000;

interface Waiter {
  readonly position: number;
  readonly settle: (reached: boolean) => void;
  readonly fail: (error: unknown) => void;
}

/**
 * Runs a projector on a subscription to the store's log, from its stored checkpoint: catches up,
 * then follows live. Each batch and its checkpoint commit in one target transaction, so a restart
 * resumes exactly after the last committed batch. A failing projector stops the projection: an
 * `error` log line `{ projection, position, err }`, `done` rejects, pending waits reject; start it
 * again to resume from its checkpoint. With `restart`, it first restarts itself from its checkpoint
 * (a `warn` line each time, exponential backoff) before giving up.
 *
 * ```ts
 * const projection = startProjection({ store, projector: shipmentsList, target: createSqliteTarget(store) });
 * const { position } = await handle(store, definition, command);
 * await projection.waitForPosition(position); // read-your-writes
 * ```
 */
export const startProjection = <Ctx, E extends Message>(
  options: ProjectionOptions<Ctx, E>,
): ProjectionHandle => {
  const { store, projector, target } = options;
  const log = (options.logger ?? silentLogger).child({ projection: projector.name });
  const batchSize = options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE;
  const handles = projectorFilter(projector);
  let processed = 0;
  let stopped = false;
  let failure: { readonly error: unknown } | undefined;
  let subscription: Subscription | undefined;
  let waiters: Waiter[] = [];

  const advance = (position: number): void => {
    if (position <= processed) return;
    processed = position;
    const ready = waiters.filter((waiter) => waiter.position <= processed);
    waiters = waiters.filter((waiter) => waiter.position > processed);
    for (const waiter of ready) waiter.settle(true);
  };

  const run = async (): Promise<void> => {
    const prepared = await prepareProjection(projector, target);
    if (prepared.reset)
      log.info({ version: projector.version ?? 1 }, 'projector version changed: rebuilding');
    // After a restart the in-memory position may be ahead of the stored checkpoint (batches the
    // filter skipped are not checkpointed); both are safe starting points for waiters.
    processed = Math.max(processed, prepared.position);
    if (stopped) return;
    log.debug({ position: processed }, 'projection starting');
    const current = store.subscribe({
      after: processed,
      batchSize,
      onEvents: async (batch) => advance(await applyBatch(projector, target, batch, handles)),
      onCaughtUp: advance,
    });
    subscription = current;
    await current.done;
  };

  const restarts = options.restart?.maxAttempts ?? 0;
  const baseDelay = options.restart?.delayMs ?? DEFAULT_RESTART_DELAY_MS;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  // Each restart resumes from the stored checkpoint, so a batch that failed is applied whole, once.
  const runWithRestarts = async (): Promise<void> => {
    let attempt = 0;
    for (;;) {
      const from = processed;
      try {
        return await run();
      } catch (error) {
        // A run that made progress before failing starts a new series of attempts.
        attempt = processed > from ? 1 : attempt + 1;
        if (stopped || attempt > restarts) throw error;
        const delayMs = baseDelay * 2 ** (attempt - 1);
        log.warn(
          { err: error, position: processed, attempt, delayMs },
          'projection failed: restarting from its checkpoint',
        );
        await pause(delayMs);
        if (stopped) return;
      }
    }
  };

  const done = runWithRestarts().catch((error: unknown) => {
    failure = { error };
    log.error({ err: error, position: processed }, 'projection stopped: projector or store failed');
    const pending = waiters;
    waiters = [];
    for (const waiter of pending) waiter.fail(error);
    throw error;
  });
  // Failures are observed through `done`, `waitForPosition` and the log, never as an unhandled rejection.
  done.catch(() => undefined);

  return {
    name: projector.name,
    position: () => processed,
    waitForPosition: (position, timeoutMs = DEFAULT_WAIT_MS) => {
      validatePosition('position', position);
      if (failure) return Promise.reject(failure.error);
      if (processed >= position) return Promise.resolve(true);
      if (stopped) return Promise.resolve(false);
      return new Promise<boolean>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== entry);
          resolve(false);
        }, timeoutMs);
        const entry: Waiter = {
          position,
          settle: (reached) => {
            clearTimeout(timer);
            resolve(reached);
          },
          fail: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        waiters.push(entry);
      });
    },
    lag: async () => {
      const head = await store.headPosition();
      return { checkpoint: processed, head, behind: Math.max(0, head - processed) };
    },
    stop: async () => {
      stopped = true;
      wake?.();
      await subscription?.stop();
      await done.catch(() => undefined);
      const pending = waiters;
      waiters = [];
      for (const waiter of pending) waiter.settle(false);
    },
    done,
  };
};

import type { Message } from '../core/envelope.js';
import { silentLogger } from '../core/logger.js';
import { validatePosition } from '../shared/validate.js';
import { DEFAULT_WAIT_MS, startProjection } from './run.js';
import { projectorQuery, projectorVersion } from './steps.js';
import type { ProjectionHandle, ProjectionOptions } from './types.js';

/**
 * Exclusive, per-name locks shared by the nodes of one deployment (e.g. PostgreSQL session advisory
 * locks). A lock is held until released or until the holder's connection is lost.
 */
export interface ProjectionLocks {
  /** Takes the lock of `name` if no one holds it; resolves whether this node now holds it. */
  readonly tryAcquire: (name: string) => Promise<boolean>;
  readonly release: (name: string) => Promise<void>;
  /** Calls `listener` when held locks may be gone (connection lost); returns an unsubscribe. */
  readonly onLost: (listener: () => void) => () => void;
}

/** Options of `startOwnedProjection`: those of `startProjection`, plus the locks and retry period. */
export interface OwnedProjectionOptions<Ctx, E extends Message = Message> extends ProjectionOptions<Ctx, E> {
  readonly locks: ProjectionLocks;
  /** How often a standby node tries to take the projection over. Default 1000 ms. */
  readonly retryMs?: number;
}

/** Default period of a standby node's takeover attempts. */
export const DEFAULT_OWNERSHIP_RETRY_MS = 1000;
const STANDBY_POLL_MS = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a projection on at most one node at a time: the node holding the projection's lock runs it
 * (as `startProjection` would); the others stand by and retry the lock every `retryMs`, so when the
 * owner dies (its connection closes and the lock is freed) a survivor takes over within about that
 * long, resuming from the checkpoint. When the owner loses its lock it stops applying at once after
 * the batch in flight; the target's checkpoint-in-the-same-transaction guard is the safety net for
 * that batch. On a standby node `waitForPosition` follows the stored checkpoint, so read-your-writes
 * works on every node.
 */
export const startOwnedProjection = <Ctx, E extends Message>(
  options: OwnedProjectionOptions<Ctx, E>,
): ProjectionHandle => {
  const { store, projector, target, locks } = options;
  const name = projector.name;
  const log = (options.logger ?? silentLogger).child({ projection: name });
  const retryMs = options.retryMs ?? DEFAULT_OWNERSHIP_RETRY_MS;
  // The events it handles, computed once: a standby asks on every wait whether any lies ahead.
  const handled = projectorQuery(projector);
  let inner: ProjectionHandle | undefined;
  let processed = 0;
  let stopped = false;
  let failure: { readonly error: unknown } | undefined;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  // True once the read model reflects every event up to `position`: the stored checkpoint reached
  // it, or no event the projector handles lies between the checkpoint and it (skipped batches are
  // not checkpointed, so the checkpoint alone may stay behind the head).
  const caughtUpTo = async (position: number): Promise<boolean> => {
    if (processed >= position) return true;
    const checkpoint = await target.readCheckpoint(name);
    if (!checkpoint || checkpoint.version !== projectorVersion(projector)) return false;
    processed = Math.max(processed, checkpoint.position);
    if (processed >= position) return true;
    const after = { after: processed, maxCount: 1 };
    const [next] = handled ? await store.readByQuery(handled, after) : await store.readAll(after);
    return next === undefined || next.position > position;
  };

  const run = async (): Promise<void> => {
    while (!stopped) {
      const held = await locks.tryAcquire(name).catch((error: unknown) => {
        log.warn({ err: error }, 'projection lock could not be tried');
        return false;
      });
      if (!held) {
        await pause(retryMs);
        continue;
      }
      if (stopped) {
        await locks.release(name).catch(() => undefined);
        return;
      }
      log.info('projection lock taken: this node runs the projection');
      const handle = startProjection(options);
      inner = handle;
      let unsubscribe = (): void => undefined;
      const lost = new Promise<'lost'>((resolve) => {
        unsubscribe = locks.onLost(() => resolve('lost'));
      });
      const outcome = await Promise.race([
        handle.done.then(
          () => 'stopped' as const,
          (error: unknown) => ({ error }),
        ),
        lost,
      ]);
      unsubscribe();
      if (outcome === 'lost') {
        // Another node may own it by now: stop after the batch in flight (whose checkpoint guard
        // refuses it if the new owner already applied it) and stand by.
        log.warn('projection lock lost: stopping and standing by');
        await handle.stop();
        processed = Math.max(processed, handle.position());
        inner = undefined;
        continue;
      }
      processed = Math.max(processed, handle.position());
      inner = undefined;
      await locks.release(name).catch(() => undefined);
      if (outcome !== 'stopped') throw outcome.error;
      return;
    }
  };

  const done = run().catch((error: unknown) => {
    failure = { error };
    throw error;
  });
  done.catch(() => undefined);

  return {
    name,
    position: () => Math.max(processed, inner?.position() ?? 0),
    waitForPosition: async (position, timeoutMs = DEFAULT_WAIT_MS) => {
      validatePosition('position', position);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (failure) throw failure.error;
        const running = inner;
        if (running) return running.waitForPosition(position, Math.max(0, deadline - Date.now()));
        if (await caughtUpTo(position)) return true;
        if (stopped || Date.now() >= deadline) return false;
        await sleep(Math.min(STANDBY_POLL_MS, Math.max(1, deadline - Date.now())));
      }
    },
    lag: async () => {
      const head = await store.headPosition();
      const checkpoint = Math.max(processed, inner?.position() ?? 0);
      return { checkpoint, head, behind: Math.max(0, head - checkpoint) };
    },
    stop: async () => {
      stopped = true;
      wake?.();
      await inner?.stop();
      await done.catch(() => undefined);
    },
    done,
  };
};

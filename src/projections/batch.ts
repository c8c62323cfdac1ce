import type { Message, RecordedEvent } from '../core/envelope.js';
import type { EventStore } from '../core/store.js';
import { projectorFilter, projectorVersion, resetWork } from './steps.js';
import type { ProjectionCheckpoint, ProjectionTarget, Projector, RecordedEventOf } from './types.js';

/** Default number of events applied in one transaction. */
export const DEFAULT_PROJECTION_BATCH_SIZE = 500;

/**
 * Applies one batch read from the log: the events the projector handles, and the checkpoint at the
 * batch's last position, in ONE target transaction — a crash between the two cannot happen, so a
 * restarted projection neither skips nor re-applies events. A batch of only unhandled events writes
 * nothing (the checkpoint then lags harmlessly: those events are skipped again after a restart).
 * A batch another node (or an earlier attempt) already committed is skipped by the target's
 * compare-and-set on the checkpoint. Returns the batch's last position.
 */
export const applyBatch = async <Ctx, E extends Message>(
  projector: Projector<Ctx, E>,
  target: ProjectionTarget<Ctx>,
  batch: readonly RecordedEvent[],
  handles: (event: RecordedEvent) => event is RecordedEventOf<E>,
): Promise<number> => {
  const last = batch[batch.length - 1];
  if (!last) throw new RangeError('applyBatch needs at least one event');
  const selected = batch.filter(handles);
  if (selected.length > 0) {
    const checkpoint: ProjectionCheckpoint = {
      position: last.position,
      version: projectorVersion(projector),
    };
    await target.transact(projector.name, (ctx) => projector.apply(ctx, selected), checkpoint);
  }
  return last.position;
};

/**
 * Prepares a projection to run: creates the checkpoint storage, resets the read model when its
 * checkpoint was written by another projector version, runs `init`. Returns the checkpoint position.
 */
export const prepareProjection = async <Ctx, E extends Message>(
  projector: Projector<Ctx, E>,
  target: ProjectionTarget<Ctx>,
): Promise<{ readonly position: number; readonly reset: boolean }> => {
  await target.setup();
  const version = projectorVersion(projector);
  const stored = await target.readCheckpoint(projector.name);
  if (stored && stored.version !== version) {
    // The read model was built by another version of the projector: its shape or content may not
    // be what this version expects, so rebuild it from the start.
    await target.transact(projector.name, resetWork(projector), { position: 0, version });
    return { position: 0, reset: true };
  }
  if (projector.init) await target.transact(projector.name, projector.init);
  return { position: stored?.position ?? 0, reset: false };
};

/** Options of `replay`. */
interface ReplayOptions<Ctx, E extends Message> {
  readonly store: EventStore;
  readonly projector: Projector<Ctx, E>;
  readonly target: ProjectionTarget<Ctx>;
  readonly after: number;
  readonly batchSize: number;
  readonly onBatch?: (position: number) => void;
}

/** Reads the log from `after` to its end in batches, applying each. Returns the last position read. */
export const replay = async <Ctx, E extends Message>(options: ReplayOptions<Ctx, E>): Promise<number> => {
  const handles = projectorFilter(options.projector);
  let position = options.after;
  for (;;) {
    const batch = await options.store.readAll({ after: position, maxCount: options.batchSize });
    if (batch.length === 0) return position;
    position = await applyBatch(options.projector, options.target, batch, handles);
    options.onBatch?.(position);
  }
};

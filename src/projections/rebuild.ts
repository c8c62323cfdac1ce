import type { Message } from '../core/envelope.js';
import { silentLogger } from '../core/logger.js';
import { DEFAULT_PROJECTION_BATCH_SIZE, prepareProjection, replay } from './batch.js';
import { projectorVersion, resetWork } from './steps.js';
import type { ProjectionOptions, RebuildOptions } from './types.js';

/**
 * Drops and rebuilds a read model: `reset` and a checkpoint of 0 in one transaction, then replays
 * the whole log in batches (each batch committed with its checkpoint, so an interrupted rebuild
 * resumes where it stopped when the projection starts). Progress is reported after each batch.
 * Stop the live projection of the same name first. Returns the last position replayed.
 */
export const rebuildProjection = async <Ctx, E extends Message>(
  options: RebuildOptions<Ctx, E>,
): Promise<number> => {
  const { store, projector, target, onProgress } = options;
  const log = (options.logger ?? silentLogger).child({ projection: projector.name });
  await target.setup();
  await target.transact(projector.name, resetWork(projector), {
    position: 0,
    version: projectorVersion(projector),
  });
  const head = await store.headPosition();
  log.info({ head }, 'projection rebuild started');
  onProgress?.({ position: 0, head });
  const position = await replay({
    store,
    projector,
    target,
    after: 0,
    batchSize: options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE,
    onBatch: (at) => onProgress?.({ position: at, head }),
  });
  log.info({ position }, 'projection rebuilt');
  return position;
};

/**
 * Brings a projection up to the head of the log once, from its checkpoint, and returns the last
 * position applied — for jobs and scripts that do not keep a live subscription.
 */
export const catchUpProjection = async <Ctx, E extends Message>(
  options: Omit<ProjectionOptions<Ctx, E>, 'logger' | 'restart'>,
): Promise<number> => {
  const { position } = await prepareProjection(options.projector, options.target);
  return replay({
    store: options.store,
    projector: options.projector,
    target: options.target,
    after: position,
    batchSize: options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE,
  });
};

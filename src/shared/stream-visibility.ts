import { ValidationError } from '../core/errors.js';
import type { StreamMetadata } from '../core/store.js';
import { assertJson } from './validate.js';

/**
 * Lowest revision a stream read may return, given truncation, soft deletion and `maxCount`.
 * Shared by all backends so they hide exactly the same events.
 */
export const firstVisibleRevision = (metadata: StreamMetadata, lastRevision: number): number => {
  const truncated = metadata.truncateBefore ?? 0;
  const byCount = metadata.maxCount === undefined ? 0 : lastRevision + 1 - metadata.maxCount;
  return Math.max(truncated, byCount, 0);
};

/** Oldest event time a stream read may return under `maxAge`, or undefined when unlimited. */
export const oldestVisibleTime = (metadata: StreamMetadata, now: Date): string | undefined =>
  metadata.maxAge === undefined ? undefined : new Date(now.getTime() - metadata.maxAge * 1000).toISOString();

export const validateStreamMetadata = (metadata: StreamMetadata): StreamMetadata => {
  const check = (name: keyof StreamMetadata, min: number): void => {
    const value = metadata[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min))
      throw new ValidationError(`metadata.${name} must be an integer ≥ ${min}`, [
        { field: `metadata.${name}`, message: `must be an integer ≥ ${min}` },
      ]);
  };
  if (typeof metadata !== 'object' || metadata === null)
    throw new ValidationError('metadata must be an object', [
      { field: 'metadata', message: 'must be an object' },
    ]);
  check('maxAge', 1);
  check('maxCount', 1);
  check('truncateBefore', 0);
  if (metadata.custom !== undefined) assertJson(metadata.custom, 'metadata.custom');
  return metadata;
};

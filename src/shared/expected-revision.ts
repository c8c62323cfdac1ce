import { ConcurrencyError } from '../core/errors.js';
import type { ExpectedRevision } from '../core/store.js';

/**
 * Checks an expectation against the stream's current revision (-1 for a stream with no live
 * events: never written, or soft-deleted). Returns the error to throw, or undefined when it holds.
 */
export const checkExpectedRevision = (
  streamId: string,
  expected: ExpectedRevision,
  actual: number,
): ConcurrencyError | undefined => {
  const holds =
    expected === 'any' ||
    (expected === 'no-stream' && actual === -1) ||
    (expected === 'exists' && actual >= 0) ||
    expected === actual;
  return holds ? undefined : new ConcurrencyError(streamId, expected, actual);
};

/** The revision of a stream with no live event (never written, or soft-deleted). */
export const NO_LIVE_REVISION = -1;

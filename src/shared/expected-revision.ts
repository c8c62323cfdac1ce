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

/**
 * Lets an append or delete expect `-1`, the revision `streamState` and a repeat on a soft-deleted
 * stream report: it expects what `'no-stream'` does. Without it, the `nextExpectedRevision` of
 * such a repeat was a value `append` refused. Other negative numbers stay invalid.
 */
export const acceptNoLiveRevision = <T extends { readonly expectedRevision?: ExpectedRevision }>(
  options: T | undefined,
): T | undefined =>
  options?.expectedRevision === NO_LIVE_REVISION ? { ...options, expectedRevision: 'no-stream' } : options;

import type { RecordedEvent } from '../core/envelope.js';
import type { ReadAllOptions, ReadAllPage } from '../core/store.js';
import { validateMaxCount, validatePosition } from './validate.js';

/**
 * `readAllPage` on top of a backend's `readAll`: it asks for one event more than the page holds,
 * so whether more is left comes from the same read (one statement, one snapshot) rather than a
 * second query for the head, which could disagree with the first under concurrent appends.
 */
export const readAllPageWith = async (
  readAll: (options: ReadAllOptions) => Promise<readonly RecordedEvent[]>,
  options: ReadAllOptions = {},
): Promise<ReadAllPage> => {
  const after = validatePosition('after', options.after ?? 0);
  const maxCount = validateMaxCount(options.maxCount);
  // Without a limit the read returns everything there is; no log holds MAX_SAFE_INTEGER events.
  if (maxCount === undefined || maxCount === Number.MAX_SAFE_INTEGER) {
    const events = await readAll(maxCount === undefined ? { after } : { after, maxCount });
    return { events, hasMore: false, nextPosition: events.at(-1)?.position ?? after };
  }
  const read = await readAll({ after, maxCount: maxCount + 1 });
  const events = read.length > maxCount ? read.slice(0, maxCount) : read;
  return { events, hasMore: read.length > maxCount, nextPosition: events.at(-1)?.position ?? after };
};

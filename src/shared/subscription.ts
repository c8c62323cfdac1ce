import type { RecordedEvent } from '../core/envelope.js';
import type { SubscribeOptions, Subscription } from '../core/store.js';
import type { AppendSignal } from './append-signal.js';
import { matchesQuery } from './query.js';
import { normalizeQuery, validatePosition } from './validate.js';

export interface SubscriptionSource {
  /**
   * Reads the global log after a position. Backends must only return events no reader can later
   * see appear below them (PostgreSQL filters out positions of in-flight transactions).
   */
  readonly readAfter: (after: number, maxCount: number) => Promise<readonly RecordedEvent[]>;
  readonly signal: AppendSignal;
  /** Upper bound on the wait between polls, for appends the signal cannot see (other processes). */
  readonly pollIntervalMs: number;
}

const DEFAULT_BATCH_SIZE = 1000;

/**
 * Catch-up-then-live subscription shared by every backend: read a batch after the checkpoint,
 * hand it to the handler, repeat; when a read comes back empty, wait for an append signal or the
 * poll interval. Order is global position; each event is delivered once per subscription. With
 * `stopWhenCaughtUp` the first empty read ends the loop and `done` resolves.
 */
export const startSubscription = (source: SubscriptionSource, options: SubscribeOptions): Subscription => {
  let position = validatePosition('after', options.after ?? 0);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const filter = options.filter === undefined ? undefined : normalizeQuery(options.filter, 'filter');
  const aborter = new AbortController();

  const run = async (): Promise<void> => {
    let caughtUp = false;
    while (!aborter.signal.aborted) {
      const seen = source.signal.version();
      const batch = await source.readAfter(position, batchSize);
      if (aborter.signal.aborted) return;
      if (batch.length === 0) {
        if (!caughtUp) {
          caughtUp = true;
          options.onCaughtUp?.(position);
        }
        // An empty read is the head as this subscription can see it: a catch-up-only reader
        // (a rebuild, a script, a test) ends here instead of waiting for appends.
        if (options.stopWhenCaughtUp === true) return;
        await source.signal.wait(seen, source.pollIntervalMs, aborter.signal);
        continue;
      }
      caughtUp = false;
      const selected = filter ? batch.filter((event) => matchesQuery(event, filter)) : batch;
      if (selected.length > 0) await options.onEvents(selected);
      position = (batch[batch.length - 1] as RecordedEvent).position;
    }
  };

  const done = run().catch((error: unknown) => {
    options.onError?.(error);
    throw error;
  });
  // The caller observes failures through `done` or `onError`; never as an unhandled rejection.
  done.catch(() => undefined);

  return {
    position: () => position,
    done,
    stop: async () => {
      aborter.abort();
      await done.catch(() => undefined);
    },
  };
};

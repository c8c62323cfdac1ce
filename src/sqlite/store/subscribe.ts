import type { RecordedEvent } from '../../core/envelope.js';
import type { SubscribeOptions, Subscription } from '../../core/store.js';
import type { AppendSignal } from '../../shared/append-signal.js';
import { startSubscription } from '../../shared/subscription.js';

export interface SqliteSubscriptions {
  readonly subscribe: (options: SubscribeOptions) => Subscription;
  /** Stops every live subscription and waits for their handlers to return. */
  readonly stopAll: () => Promise<void>;
}

export interface SqliteSubscriptionOptions {
  readonly readAfter: (after: number, maxCount: number) => readonly RecordedEvent[];
  /** Notified by this store's commits; appends by other connections are found by polling. */
  readonly signal: AppendSignal;
  readonly pollIntervalMs: number;
}

/**
 * Subscriptions over the global log. Unlike PostgreSQL, SQLite needs no in-flight filter: positions
 * are assigned under the single write lock and a batch becomes visible atomically at COMMIT, so an
 * event can never appear below a position a reader has already passed.
 */
export const createSqliteSubscriptions = (options: SqliteSubscriptionOptions): SqliteSubscriptions => {
  const live = new Set<Subscription>();
  return {
    subscribe: (subscribeOptions) => {
      const subscription = startSubscription(
        {
          readAfter: async (after, maxCount) => options.readAfter(after, maxCount),
          signal: options.signal,
          pollIntervalMs: options.pollIntervalMs,
        },
        subscribeOptions,
      );
      live.add(subscription);
      subscription.done.finally(() => live.delete(subscription)).catch(() => undefined);
      return subscription;
    },
    stopAll: async () => {
      await Promise.all([...live].map((subscription) => subscription.stop()));
    },
  };
};

import type { NewEvent, RecordedEvent } from './envelope.js';
import type { JsonObject } from './json.js';

/**
 * What an append expects of its stream:
 * - a number: the revision of the stream's last event (so `0` after one event), or `-1`, the
 *   revision `streamState` and a repeat report for a stream with no live event: the same as `'no-stream'`;
 * - `'no-stream'`: the stream has no events (or was deleted);
 * - `'exists'`: the stream has at least one event;
 * - `'any'`: no check.
 */
export type ExpectedRevision = number | 'no-stream' | 'exists' | 'any';

/**
 * Selects events by type and tag. An event matches when its type is one of `types` (or `types`
 * is absent/empty) and it carries every tag in `tags` (or `tags` is absent/empty).
 * An array of queries matches an event matching any of them.
 */
export interface QueryItem {
  readonly types?: readonly string[];
  readonly tags?: readonly string[];
}
export type Query = QueryItem | readonly QueryItem[];

/**
 * Dynamic Consistency Boundary: the append fails with `ConditionFailedError` if any event
 * matching `query` was stored at a global position greater than `after`.
 */
export interface AppendCondition {
  readonly query: Query;
  /** Global position the decision was made at (0 = nothing may match). */
  readonly after: number;
}

export interface AppendOptions {
  /** Defaults to `'any'`. */
  readonly expectedRevision?: ExpectedRevision;
  readonly condition?: AppendCondition;
}

export interface AppendResult {
  readonly streamId: string;
  /**
   * Revision of the stream's last event after the append: pass it as the next `expectedRevision`.
   * `-1` when a repeat finds the stream soft-deleted since (no live event), which expects `'no-stream'`.
   */
  readonly nextExpectedRevision: number;
  /** Global position of the last appended event. */
  readonly position: number;
  readonly events: readonly RecordedEvent[];
  /** True when every event id was already stored: the append was a repeat and stored nothing. */
  readonly duplicate: boolean;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** First revision to return (inclusive). Defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Return events with a global position strictly greater than this. Defaults to 0 (the start). */
  readonly after?: number;
  readonly maxCount?: number;
}

/** One page of the global log, from `readAllPage`. */
export interface ReadAllPage {
  /** The events after `after`, in position order, at most `maxCount` of them. */
  readonly events: readonly RecordedEvent[];
  /** True when the log held more events after the last one returned when the page was read. */
  readonly hasMore: boolean;
  /** Pass it as the next page's `after`: the last returned position, or `after` when none was. */
  readonly nextPosition: number;
}

export interface StreamMetadata {
  /** Events older than this many seconds are hidden from stream reads. */
  readonly maxAge?: number;
  /** Only the newest `maxCount` events are visible in stream reads. */
  readonly maxCount?: number;
  /** Events with a revision below this are hidden from stream reads. */
  readonly truncateBefore?: number;
  /** Application-defined values. */
  readonly custom?: JsonObject;
}

export interface StreamState {
  readonly streamId: string;
  /** Revision of the last event, or -1 when the stream has none. */
  readonly revision: number;
  readonly deleted: boolean;
  readonly metadata: StreamMetadata;
}

export interface SubscribeOptions {
  /** Deliver events with a global position strictly greater than this (a checkpoint). */
  readonly after?: number;
  /** Deliver only events matching this query (positions still advance past the others). */
  readonly filter?: Query;
  /** Largest batch handed to `onEvents`. */
  readonly batchSize?: number;
  /**
   * Called with each batch in global-position order. The next batch is not read until the
   * returned promise settles, so a handler applies back-pressure. A throw stops the subscription.
   */
  readonly onEvents: (events: readonly RecordedEvent[]) => void | Promise<void>;
  /** Called once caught up with the head of the log (and again after each later catch-up). */
  readonly onCaughtUp?: (position: number) => void;
  /**
   * Stop once caught up instead of staying live: every event up to the head as it stood when the
   * subscription caught up is delivered (including appends made while it caught up), `onCaughtUp`
   * is called, then `done` resolves. For rebuilds, scripts and one-shot exports. Defaults to false.
   * (Emmett's consumers say `stopWhen: { noMessagesLeft: true }`.)
   */
  readonly stopWhenCaughtUp?: boolean;
  /** Called when the handler or the store fails; the subscription has stopped. */
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Global position of the last event handed to `onEvents` (or skipped by the filter). */
  readonly position: () => number;
  /** Stops reading; resolves when the handler is no longer running. */
  readonly stop: () => Promise<void>;
  /** Settles when the subscription stops: resolves on `stop()` or, with `stopWhenCaughtUp`, once caught up; rejects on error. */
  readonly done: Promise<void>;
}

/**
 * The event store contract. Every backend (`memory`, `sqlite`, `postgres`) implements it and
 * passes the same conformance suite.
 */
export interface EventStore {
  /** Appends atomically: all events or none. */
  readonly append: (
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ) => Promise<AppendResult>;
  readonly readStream: (streamId: string, options?: ReadStreamOptions) => Promise<readonly RecordedEvent[]>;
  readonly readAll: (options?: ReadAllOptions) => Promise<readonly RecordedEvent[]>;
  /**
   * `readAll` that also says whether more is left, for paging through the log. Emmett users know it
   * as `readMessagesBatch`: its `areMessagesLeft` is `hasMore` here, its `currentGlobalPosition` is
   * `nextPosition` (pass it as `after`):
   *
   *   let page = await store.readAllPage({ maxCount: 500 });
   *   handle(page.events);
   *   while (page.hasMore) {
   *     page = await store.readAllPage({ after: page.nextPosition, maxCount: 500 });
   *     handle(page.events);
   *   }
   */
  readonly readAllPage: (options?: ReadAllOptions) => Promise<ReadAllPage>;
  readonly readByQuery: (query: Query, options?: ReadAllOptions) => Promise<readonly RecordedEvent[]>;
  /** Global position of the newest event visible to readers (0 when empty). */
  readonly headPosition: () => Promise<number>;
  readonly streamState: (streamId: string) => Promise<StreamState>;
  readonly setStreamMetadata: (streamId: string, metadata: StreamMetadata) => Promise<void>;
  /**
   * Soft delete: the stream reads as empty and `no-stream`; appending again continues its
   * revisions. Its events stay in the global log so projections rebuild to the same result.
   */
  readonly deleteStream: (
    streamId: string,
    options?: { readonly expectedRevision?: ExpectedRevision },
  ) => Promise<void>;
  /** Hides events below `revision` from stream reads (sets `truncateBefore`). */
  readonly truncateStream: (streamId: string, beforeRevision: number) => Promise<void>;
  readonly subscribe: (options: SubscribeOptions) => Subscription;
  readonly close: () => Promise<void>;
}

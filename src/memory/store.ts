import type { RecordedEvent } from '../core/envelope.js';
import { ConditionFailedError, DuplicateEventIdError, StoreClosedError } from '../core/errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  StreamMetadata,
  StreamState,
  Subscription,
} from '../core/store.js';
import { createAppendSignal } from '../shared/append-signal.js';
import { checkExpectedRevision } from '../shared/expected-revision.js';
import { resolveStoreOptions, type StoreOptions } from '../shared/options.js';
import { matchesQuery } from '../shared/query.js';
import { readAllPageWith } from '../shared/read-page.js';
import { recordEvent, withIds } from '../shared/record.js';
import {
  firstVisibleRevision,
  oldestVisibleTime,
  validateStreamMetadata,
} from '../shared/stream-visibility.js';
import { startSubscription } from '../shared/subscription.js';
import {
  normalizeQuery,
  validateAppend,
  validateExpectedRevision,
  validateMaxCount,
  validatePosition,
  validateRevision,
  validateStreamId,
} from '../shared/validate.js';

import { frozenJsonCopy } from './immutable.js';

export type MemoryStoreOptions = StoreOptions;

const recordEventCopy = (...args: Parameters<typeof recordEvent>): RecordedEvent =>
  frozenJsonCopy(recordEvent(...args));

interface MemoryStream {
  readonly events: RecordedEvent[];
  /** Revisions below this were soft-deleted. */
  deletedBefore: number;
  metadata: StreamMetadata;
}

/** An event store in process memory, for tests and examples. Same contract as every backend. */
export const createMemoryStore = (options: MemoryStoreOptions = {}): EventStore => {
  const resolved = resolveStoreOptions(options);
  const log: RecordedEvent[] = [];
  const streams = new Map<string, MemoryStream>();
  const byId = new Map<string, RecordedEvent>();
  const signal = createAppendSignal();
  const subscriptions = new Set<Subscription>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new StoreClosedError();
  };
  const lastRevision = (stream: MemoryStream | undefined): number => (stream ? stream.events.length - 1 : -1);
  const liveRevision = (stream: MemoryStream | undefined): number => {
    const last = lastRevision(stream);
    return stream && last >= stream.deletedBefore ? last : -1;
  };

  const findRepeat = (streamId: string, ids: readonly string[]): readonly RecordedEvent[] | undefined => {
    const stored = ids.map((id) => byId.get(id));
    if (stored.every((event) => event === undefined)) return undefined;
    const index = stored.findIndex((event) => event === undefined || event.streamId !== streamId);
    if (index >= 0) throw new DuplicateEventIdError(ids[index] as string);
    return stored as RecordedEvent[];
  };

  const append = async (
    streamId: string,
    events: Parameters<EventStore['append']>[1],
    appendOptions?: AppendOptions,
  ): Promise<AppendResult> => {
    ensureOpen();
    // No lock needed: from here to the writes below nothing awaits, so on the single JS thread
    // the checks (repeat, expected revision, condition) and the writes of one append cannot
    // interleave with another append's.
    const input = validateAppend(streamId, events, appendOptions);
    const identified = withIds(input.events, resolved);
    const repeat = findRepeat(
      input.streamId,
      identified.map((event) => event.id),
    );
    const stream = streams.get(input.streamId);
    if (repeat) {
      const last = repeat[repeat.length - 1] as RecordedEvent;
      return {
        streamId: input.streamId,
        nextExpectedRevision: liveRevision(stream),
        position: last.position,
        events: repeat,
        duplicate: true,
      };
    }
    const conflict = checkExpectedRevision(input.streamId, input.expectedRevision, liveRevision(stream));
    if (conflict) throw conflict;
    if (input.condition) {
      const { query, after } = input.condition;
      for (let index = log.length - 1; index >= after; index -= 1) {
        const event = log[index] as RecordedEvent;
        if (matchesQuery(event, query)) throw new ConditionFailedError(after, event.position);
      }
    }
    const target = stream ?? { events: [], deletedBefore: 0, metadata: {} };
    streams.set(input.streamId, target);
    const time = resolved.clock().toISOString();
    const recorded = identified.map((event, index) =>
      recordEventCopy(
        event,
        {
          streamId: input.streamId,
          revision: target.events.length + index,
          position: log.length + 1 + index,
          time,
        },
        resolved,
      ),
    );
    for (const event of recorded) {
      log.push(event);
      target.events.push(event);
      byId.set(event.id, event);
    }
    signal.notify();
    const last = recorded[recorded.length - 1] as RecordedEvent;
    return {
      streamId: input.streamId,
      nextExpectedRevision: last.revision,
      position: last.position,
      events: recorded,
      duplicate: false,
    };
  };

  const visibleEvents = (stream: MemoryStream): readonly RecordedEvent[] => {
    const metadata = stream.metadata;
    const first = Math.max(firstVisibleRevision(metadata, lastRevision(stream)), stream.deletedBefore);
    const oldest = oldestVisibleTime(metadata, resolved.clock());
    const visible = stream.events.slice(first);
    return oldest === undefined ? visible : visible.filter((event) => event.time >= oldest);
  };

  const store: EventStore = {
    append,
    readStream: async (streamId, readOptions = {}) => {
      ensureOpen();
      validateStreamId(streamId);
      const maxCount = validateMaxCount(readOptions.maxCount) ?? Number.MAX_SAFE_INTEGER;
      const from =
        readOptions.fromRevision === undefined
          ? undefined
          : validateRevision('fromRevision', readOptions.fromRevision);
      const stream = streams.get(streamId);
      if (!stream) return [];
      const visible = visibleEvents(stream);
      if (readOptions.direction === 'backwards') {
        const upTo = from ?? Number.MAX_SAFE_INTEGER;
        return visible
          .filter((event) => event.revision <= upTo)
          .reverse()
          .slice(0, maxCount);
      }
      const start = from ?? 0;
      return visible.filter((event) => event.revision >= start).slice(0, maxCount);
    },
    readAll: async (readOptions = {}) => {
      ensureOpen();
      const after = validatePosition('after', readOptions.after ?? 0);
      const maxCount = validateMaxCount(readOptions.maxCount) ?? Number.MAX_SAFE_INTEGER;
      return log.slice(after, after + maxCount);
    },
    readAllPage: (readOptions) => readAllPageWith(store.readAll, readOptions),
    readByQuery: async (query, readOptions = {}) => {
      ensureOpen();
      const items = normalizeQuery(query);
      const after = validatePosition('after', readOptions.after ?? 0);
      const maxCount = validateMaxCount(readOptions.maxCount) ?? Number.MAX_SAFE_INTEGER;
      const found: RecordedEvent[] = [];
      for (let index = after; index < log.length && found.length < maxCount; index += 1) {
        const event = log[index] as RecordedEvent;
        if (matchesQuery(event, items)) found.push(event);
      }
      return found;
    },
    headPosition: async () => {
      ensureOpen();
      return log.length;
    },
    streamState: async (streamId): Promise<StreamState> => {
      ensureOpen();
      validateStreamId(streamId);
      const stream = streams.get(streamId);
      const revision = liveRevision(stream);
      return {
        streamId,
        revision,
        deleted: stream !== undefined && revision === -1 && stream.events.length > 0,
        metadata: stream?.metadata ?? {},
      };
    },
    setStreamMetadata: async (streamId, metadata) => {
      ensureOpen();
      validateStreamId(streamId);
      validateStreamMetadata(metadata);
      const stream = streams.get(streamId) ?? { events: [], deletedBefore: 0, metadata: {} };
      stream.metadata = frozenJsonCopy(metadata);
      streams.set(streamId, stream);
    },
    deleteStream: async (streamId, deleteOptions = {}) => {
      ensureOpen();
      validateStreamId(streamId);
      const expected: ExpectedRevision = validateExpectedRevision(deleteOptions?.expectedRevision);
      const stream = streams.get(streamId);
      const conflict = checkExpectedRevision(streamId, expected, liveRevision(stream));
      if (conflict) throw conflict;
      if (stream) stream.deletedBefore = stream.events.length;
    },
    truncateStream: async (streamId, beforeRevision) => {
      ensureOpen();
      validateStreamId(streamId);
      validateRevision('beforeRevision', beforeRevision);
      const stream = streams.get(streamId) ?? { events: [], deletedBefore: 0, metadata: {} };
      stream.metadata = Object.freeze({ ...stream.metadata, truncateBefore: beforeRevision });
      streams.set(streamId, stream);
    },
    subscribe: (subscribeOptions) => {
      ensureOpen();
      const subscription = startSubscription(
        {
          readAfter: async (after, maxCount) => log.slice(after, after + maxCount),
          signal,
          pollIntervalMs: 1000,
        },
        subscribeOptions,
      );
      subscriptions.add(subscription);
      subscription.done.finally(() => subscriptions.delete(subscription)).catch(() => undefined);
      return subscription;
    },
    close: async () => {
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
    },
  };
  return store;
};

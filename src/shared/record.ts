import type { NewEvent, RecordedEvent } from '../core/envelope.js';
import type { ResolvedStoreOptions } from './options.js';

/**
 * Fills in what the store owns: id and time defaults, revision, position and the CloudEvents constants.
 * `at.time` is the append's timestamp, formatted once per append rather than once per event.
 */
export const recordEvent = (
  event: NewEvent,
  at: {
    readonly streamId: string;
    readonly revision: number;
    readonly position: number;
    readonly time: string;
  },
  options: ResolvedStoreOptions,
): RecordedEvent => ({
  specversion: '1.0',
  id: event.id ?? options.newId(),
  type: event.type,
  source: event.source ?? options.source,
  subject: at.streamId,
  time: event.time ?? at.time,
  datacontenttype: 'application/json',
  data: event.data,
  streamId: at.streamId,
  revision: at.revision,
  position: at.position,
  tags: event.tags ?? [],
  metadata: event.metadata ?? {},
});

/** Ids given to new events, so an idempotent repeat can be detected before positions are assigned. */
export const withIds = (
  events: readonly NewEvent[],
  options: ResolvedStoreOptions,
): readonly (NewEvent & { id: string })[] =>
  events.map((event) =>
    event.id === undefined ? { ...event, id: options.newId() } : (event as NewEvent & { id: string }),
  );

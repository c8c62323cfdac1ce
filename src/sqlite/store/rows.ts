import type { EventMetadata, RecordedEvent } from '../../core/envelope.js';
import type { JsonObject } from '../../core/json.js';
import type { StreamMetadata } from '../../core/store.js';

/** Columns of `ef_events`, in the order every event SELECT lists them. */
export const EVENT_COLUMNS =
  'position, event_id, stream_id, revision, type, data, metadata, tags, time, source';

export interface EventRow {
  readonly position: number;
  readonly event_id: string;
  readonly stream_id: string;
  readonly revision: number;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
  readonly tags: string;
  readonly time: string;
  readonly source: string;
}

export interface StreamRow {
  readonly stream_id: string;
  /** Revision of the stream's last event, deleted or not; -1 when it never had one (from the index). */
  readonly revision: number;
  /** Revisions below this were soft-deleted. */
  readonly deleted_before: number;
  readonly metadata: string;
}

const EMPTY_TAGS: readonly string[] = Object.freeze([]);

// Most events carry no tags or metadata: skipping JSON.parse for the empty literals keeps
// catch-up reads close to the cost of parsing `data` alone.
const parseTags = (text: string): readonly string[] =>
  text === '[]' ? EMPTY_TAGS : (JSON.parse(text) as string[]);
const parseMetadata = (text: string): EventMetadata =>
  text === '{}' ? {} : (JSON.parse(text) as EventMetadata);

/** Turns a stored row back into the envelope `append` returned. */
export const decodeEvent = (row: EventRow): RecordedEvent => ({
  specversion: '1.0',
  id: row.event_id,
  type: row.type,
  source: row.source,
  subject: row.stream_id,
  time: row.time,
  datacontenttype: 'application/json',
  data: JSON.parse(row.data) as JsonObject,
  streamId: row.stream_id,
  revision: row.revision,
  position: row.position,
  tags: parseTags(row.tags),
  metadata: parseMetadata(row.metadata),
});

export const decodeEvents = (rows: readonly EventRow[]): RecordedEvent[] => rows.map(decodeEvent);

export const decodeStreamMetadata = (text: string): StreamMetadata =>
  text === '{}' ? {} : (JSON.parse(text) as StreamMetadata);

/** Revision appends are checked against: -1 when the stream has no live (undeleted) event. */
export const liveRevision = (row: StreamRow | undefined): number =>
  row !== undefined && row.revision >= row.deleted_before ? row.revision : -1;

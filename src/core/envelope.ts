import type { JsonObject, JsonValue } from './json.js';

/** The shape every event and command shares: a `type` name and its `data`. */
export interface Message<Type extends string = string, Data extends JsonObject = JsonObject> {
  readonly type: Type;
  readonly data: Data;
}

/** Correlation and causation of an event, plus whatever the application adds. */
export interface EventMetadata {
  /** Id shared by everything caused by the same original request. */
  readonly correlationId?: string;
  /** Id of the message (command or event) that directly caused this one. */
  readonly causationId?: string;
  /** Id of the command whose handling produced this event. */
  readonly commandId?: string;
  /** Who asked for it (user id, service name). */
  readonly actor?: string;
  readonly [key: string]: JsonValue | undefined;
}

/** An event as handed to `append`: the store assigns revision, position and, if absent, id and time. */
export interface NewEvent<E extends Message = Message> {
  readonly type: E['type'];
  readonly data: E['data'];
  /** Unique id. Appending an id that is already stored is an idempotent no-op. Defaults to a UUID. */
  readonly id?: string;
  /** Labels for cross-stream queries and DCB conditions, e.g. `truck:T7`. */
  readonly tags?: readonly string[];
  readonly metadata?: EventMetadata;
  /** ISO 8601 UTC; defaults to the store's clock at append. Deciders never read the clock. */
  readonly time?: string;
  /** CloudEvents `source`; defaults to the store's source. */
  readonly source?: string;
}

/**
 * A stored event: a CloudEvents 1.0 envelope (JSON format) plus the store's fields.
 * `subject` equals `streamId`.
 */
export interface RecordedEvent<E extends Message = Message> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly type: E['type'];
  readonly source: string;
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: E['data'];
  readonly streamId: string;
  /** Position in the stream, from 0. */
  readonly revision: number;
  /** Position in the whole store, from 1; strictly increasing in commit-visible order for readers. */
  readonly position: number;
  readonly tags: readonly string[];
  readonly metadata: EventMetadata;
}

/** The CloudEvents-only view of a recorded event (what leaves the system). */
export const toCloudEvent = (event: RecordedEvent): JsonObject => ({
  specversion: event.specversion,
  id: event.id,
  type: event.type,
  source: event.source,
  subject: event.subject,
  time: event.time,
  datacontenttype: event.datacontenttype,
  data: event.data,
  // Extension attributes must be lowercase alphanumerics in CloudEvents 1.0.
  streamid: event.streamId,
  revision: event.revision,
  position: event.position,
  tags: event.tags.join(','),
});

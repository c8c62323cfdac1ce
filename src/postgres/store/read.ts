import type pg from 'pg';
import type { EventMetadata, RecordedEvent } from '../../core/envelope.js';
import type { JsonObject } from '../../core/json.js';
import type { QueryItem, StreamMetadata, StreamState } from '../../core/store.js';
import { firstVisibleRevision, oldestVisibleTime } from '../../shared/stream-visibility.js';
import type { SchemaNames } from '../sql.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

const COLUMNS = 'position, id, stream_id, revision, type, source, time, data, metadata, tags';

/** A row of COLUMNS in array mode: no per-row object with named keys to build and throw away. */
type EventRow = [string, string, string, string, string, string, string, JsonObject, EventMetadata, string[]];

const toRecorded = (row: EventRow): RecordedEvent => ({
  specversion: '1.0',
  id: row[1],
  type: row[4],
  source: row[5],
  subject: row[2],
  time: row[6],
  datacontenttype: 'application/json',
  data: row[7],
  streamId: row[2],
  revision: Number(row[3]),
  position: Number(row[0]),
  tags: row[9],
  metadata: row[8],
});

const selectEvents = async (
  client: Queryable,
  query: { readonly name?: string; readonly text: string; readonly values: unknown[] },
): Promise<readonly RecordedEvent[]> => {
  const result = await client.query<EventRow>({ ...query, rowMode: 'array' });
  return result.rows.map(toRecorded);
};

/**
 * The global log after a position, in position order. Safe for subscribers as is: positions are
 * handed out under the append lock in commit order, so no lower position can still appear.
 */
export const readAllAfter = (
  client: Queryable,
  names: SchemaNames,
  after: number,
  maxCount: number | undefined,
): Promise<readonly RecordedEvent[]> =>
  selectEvents(client, {
    name: `${names.statementPrefix}read-all`,
    text: `select ${COLUMNS} from ${names.events} where position > $1 order by position limit $2`,
    values: [after, maxCount ?? null],
  });

/** Events stored under these ids, in the order of `ids`. */
export const readEventsById = async (
  client: Queryable,
  names: SchemaNames,
  ids: readonly string[],
): Promise<readonly RecordedEvent[]> => {
  const events = await selectEvents(client, {
    text: `select ${COLUMNS} from ${names.events} where id = any($1)`,
    values: [ids],
  });
  const byId = new Map(events.map((event) => [event.id, event]));
  return ids.flatMap((id) => byId.get(id) ?? []);
};

/** Events matching any query item, after a position, in position order. */
export const readByQueryAfter = (
  client: Queryable,
  names: SchemaNames,
  items: readonly QueryItem[],
  after: number,
  maxCount: number | undefined,
): Promise<readonly RecordedEvent[]> => {
  const values: unknown[] = [after, maxCount ?? null];
  // One clause per item, each bound to its own parameters; an empty item matches every event.
  const clauses = items.map((item) => {
    const parts: string[] = [];
    if (item.types && item.types.length > 0) {
      values.push(item.types);
      parts.push(`type = any($${values.length})`);
    }
    if (item.tags && item.tags.length > 0) {
      values.push(item.tags);
      parts.push(`tags @> $${values.length}::text[]`);
    }
    return parts.length === 0 ? 'true' : `(${parts.join(' and ')})`;
  });
  return selectEvents(client, {
    text: `select ${COLUMNS} from ${names.events} where position > $1 and (${clauses.join(' or ')}) order by position limit $2`,
    values,
  });
};

interface StreamRow {
  /** Last revision ever written, -1 when none. */
  readonly revision: string;
  readonly deleted_before: string;
  readonly metadata: StreamMetadata;
}

/** The stream's last revision (from the events index) and its row (deletion, metadata) in one statement. */
export const readStreamRow = async (
  client: Queryable,
  names: SchemaNames,
  streamId: string,
): Promise<StreamRow | undefined> => {
  const result = await client.query<StreamRow>({
    name: `${names.statementPrefix}stream-row`,
    text: `select coalesce((select max(e.revision) from ${names.events} e where e.stream_id = $1), -1) as revision,
        coalesce(s.deleted_before, 0) as deleted_before, coalesce(s.metadata, '{}') as metadata, s.stream_id
      from (select 1) as one left join ${names.streams} s on s.stream_id = $1`,
    values: [streamId],
  });
  const row = result.rows[0] as (StreamRow & { stream_id: string | null }) | undefined;
  return row && (row.stream_id !== null || Number(row.revision) >= 0) ? row : undefined;
};

/** The revision appends are checked against: the last one, or -1 when none is live (never written or deleted). */
export const liveRevision = (row: StreamRow | undefined): number => {
  if (!row) return -1;
  const last = Number(row.revision);
  return last >= Number(row.deleted_before) ? last : -1;
};

export const readStreamState = async (
  client: Queryable,
  names: SchemaNames,
  streamId: string,
): Promise<StreamState> => {
  const row = await readStreamRow(client, names, streamId);
  const revision = liveRevision(row);
  return {
    streamId,
    revision,
    deleted: row !== undefined && revision === -1 && Number(row.revision) >= 0,
    metadata: row?.metadata ?? {},
  };
};

/** Options of a stream read, already validated. */
export interface StreamReadRange {
  readonly direction: 'forwards' | 'backwards';
  readonly fromRevision: number | undefined;
  readonly maxCount: number | undefined;
  readonly now: Date;
}

/**
 * A stream's visible events. The events query is bounded by the revision read with the stream row,
 * so truncation and `maxCount` are applied to one consistent view even while appends go on.
 */
export const readStreamEvents = async (
  client: Queryable,
  names: SchemaNames,
  streamId: string,
  range: StreamReadRange,
): Promise<readonly RecordedEvent[]> => {
  const row = await readStreamRow(client, names, streamId);
  if (!row) return [];
  const last = Number(row.revision);
  const first = Math.max(firstVisibleRevision(row.metadata, last), Number(row.deleted_before));
  // ISO 8601 UTC strings compare in time order byte by byte: "C" collation, not the locale's.
  const oldest = oldestVisibleTime(row.metadata, range.now) ?? null;
  const forwards = range.direction === 'forwards';
  const low = forwards ? Math.max(first, range.fromRevision ?? 0) : first;
  const high = forwards ? last : Math.min(last, range.fromRevision ?? last);
  if (low > high) return [];
  return selectEvents(client, {
    name: `${names.statementPrefix}read-stream-${forwards ? 'f' : 'b'}`,
    text: `select ${COLUMNS} from ${names.events}
      where stream_id = $1 and revision between $2 and $3 and ($4::text is null or time collate "C" >= $4)
      order by revision ${forwards ? 'asc' : 'desc'} limit $5`,
    values: [streamId, low, high, oldest, range.maxCount ?? null],
  });
};

/** Global position of the newest committed event (0 when empty): the last entry of the primary key. */
export const readHeadPosition = async (client: Queryable, names: SchemaNames): Promise<number> => {
  const result = await client.query<{ position: string }>({
    name: `${names.statementPrefix}head`,
    text: `select coalesce(max(position), 0) as position from ${names.events}`,
    values: [],
  });
  return Number(result.rows[0]?.position ?? 0);
};

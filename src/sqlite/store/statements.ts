import type { Database, Statement } from 'better-sqlite3';
import { EVENT_COLUMNS, type EventRow, type StreamRow } from './rows.js';

/**
 * Every fixed statement of the store, prepared once per connection. Values are always bound;
 * the only SQL built at run time is the query-by-tags/types family in `query-sql.ts`.
 */
export interface SqliteStatements {
  readonly begin: Statement<[]>;
  readonly commit: Statement<[]>;
  readonly rollback: Statement<[]>;
  readonly savepoint: (name: SavepointName) => Statement<[]>;
  readonly release: (name: SavepointName) => Statement<[]>;
  readonly rollbackTo: (name: SavepointName) => Statement<[]>;
  /** Global position of the newest event (0 when empty): `max(rowid)` is one B-tree descent. */
  readonly head: Statement<[], number>;
  /** The stream's row with its last revision read from the `(stream_id, revision)` index. */
  readonly streamRow: Statement<[string], StreamRow>;
  readonly eventById: Statement<[string], EventRow>;
  /** Creates the row of a new stream (the foreign key of `ef_events` needs it). */
  readonly insertStream: Statement<[string]>;
  readonly insertEvent: Statement<
    [number, string, string, number, string, string, string, string, string, string]
  >;
  readonly insertTag: Statement<[string, number]>;
  readonly upsertStreamMetadata: Statement<[string, string]>;
  readonly setDeletedBefore: Statement<[number, string]>;
  /** stream, from revision, oldest time ('' = no limit), limit (-1 = none). */
  readonly readForwards: Statement<[string, number, string, number], EventRow>;
  /** stream, lowest visible revision, highest revision, oldest time, limit. */
  readonly readBackwards: Statement<[string, number, number, string, number], EventRow>;
  /** after position, limit. */
  readonly readAll: Statement<[number, number], EventRow>;
}

/** The two savepoint levels: one per queued write, one per append (nested inside `transaction`). */
export type SavepointName = 'ef_item' | 'ef_append';

/** The SQL text of the fixed statements (exported so a test can check their query plans). */
export const SQL = {
  head: 'SELECT coalesce(max(position), 0) FROM ef_events',
  // ORDER BY … DESC LIMIT 1 rather than max(): the plan is then certainly one index descent.
  streamRow: `SELECT stream_id,
      coalesce((SELECT revision FROM ef_events WHERE ef_events.stream_id = ef_streams.stream_id
        ORDER BY revision DESC LIMIT 1), -1) AS revision,
      deleted_before, metadata
    FROM ef_streams WHERE stream_id = ?`,
  eventById: `SELECT ${EVENT_COLUMNS} FROM ef_events WHERE event_id = ?`,
  insertStream: 'INSERT INTO ef_streams (stream_id) VALUES (?)',
  insertEvent: `INSERT INTO ef_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertTag: 'INSERT INTO ef_event_tags (tag, position) VALUES (?, ?)',
  upsertStreamMetadata: `INSERT INTO ef_streams (stream_id, metadata) VALUES (?, ?)
    ON CONFLICT (stream_id) DO UPDATE SET metadata = excluded.metadata`,
  setDeletedBefore: 'UPDATE ef_streams SET deleted_before = ? WHERE stream_id = ?',
  readForwards: `SELECT ${EVENT_COLUMNS} FROM ef_events
    WHERE stream_id = ? AND revision >= ? AND time >= ?
    ORDER BY revision LIMIT ?`,
  readBackwards: `SELECT ${EVENT_COLUMNS} FROM ef_events
    WHERE stream_id = ? AND revision >= ? AND revision <= ? AND time >= ?
    ORDER BY revision DESC LIMIT ?`,
  readAll: `SELECT ${EVENT_COLUMNS} FROM ef_events WHERE position > ? ORDER BY position LIMIT ?`,
} as const;

export const prepareStatements = (db: Database): SqliteStatements => {
  const savepoints = (verb: string): ((name: SavepointName) => Statement<[]>) => {
    const item = db.prepare<[]>(`${verb} ef_item`);
    const append = db.prepare<[]>(`${verb} ef_append`);
    return (name) => (name === 'ef_item' ? item : append);
  };
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    commit: db.prepare('COMMIT'),
    rollback: db.prepare('ROLLBACK'),
    savepoint: savepoints('SAVEPOINT'),
    release: savepoints('RELEASE'),
    rollbackTo: savepoints('ROLLBACK TO'),
    head: db.prepare<[], number>(SQL.head).pluck(),
    streamRow: db.prepare(SQL.streamRow),
    eventById: db.prepare(SQL.eventById),
    insertStream: db.prepare(SQL.insertStream),
    insertEvent: db.prepare(SQL.insertEvent),
    insertTag: db.prepare(SQL.insertTag),
    upsertStreamMetadata: db.prepare(SQL.upsertStreamMetadata),
    setDeletedBefore: db.prepare(SQL.setDeletedBefore),
    readForwards: db.prepare(SQL.readForwards),
    readBackwards: db.prepare(SQL.readBackwards),
    readAll: db.prepare(SQL.readAll),
  };
};

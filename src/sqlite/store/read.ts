import type { Database } from 'better-sqlite3';
import type { RecordedEvent } from '../../core/envelope.js';
import type { Query, ReadAllOptions, ReadStreamOptions, StreamState } from '../../core/store.js';
import { firstVisibleRevision, oldestVisibleTime } from '../../shared/stream-visibility.js';
import {
  normalizeQuery,
  validateMaxCount,
  validatePosition,
  validateRevision,
  validateStreamId,
} from '../../shared/validate.js';
import type { QueryRunner } from './query-sql.js';
import { decodeEvents, decodeStreamMetadata, type EventRow, liveRevision } from './rows.js';
import type { SqliteStatements } from './statements.js';

/** Synchronous reads; the store wraps them in promises. Each is a bounded index walk. */
export interface SqliteReader {
  readonly readStream: (streamId: string, options?: ReadStreamOptions) => RecordedEvent[];
  readonly readAll: (options?: ReadAllOptions) => RecordedEvent[];
  readonly readByQuery: (query: Query, options?: ReadAllOptions) => RecordedEvent[];
  readonly streamState: (streamId: string) => StreamState;
  readonly headPosition: () => number;
}

export interface ReaderOptions {
  readonly db: Database;
  readonly statements: SqliteStatements;
  readonly queries: QueryRunner;
  readonly clock: () => Date;
}

/** SQLite `LIMIT -1` means no limit. */
const limitOf = (maxCount: number | undefined): number => maxCount ?? -1;

export const createReader = ({ db, statements, queries, clock }: ReaderOptions): SqliteReader => {
  const streamRows = (
    streamId: string,
    direction: ReadStreamOptions['direction'],
    from: number | undefined,
    limit: number,
  ): readonly EventRow[] => {
    const row = statements.streamRow.get(streamId);
    if (row === undefined) return [];
    const metadata = decodeStreamMetadata(row.metadata);
    const first = Math.max(firstVisibleRevision(metadata, row.revision), row.deleted_before);
    // '' sorts before every ISO timestamp, so it disables the maxAge filter without a second statement.
    const oldest = oldestVisibleTime(metadata, clock()) ?? '';
    if (direction === 'backwards') {
      const upTo = from ?? row.revision;
      return upTo < first ? [] : statements.readBackwards.all(streamId, first, upTo, oldest, limit);
    }
    return statements.readForwards.all(streamId, Math.max(first, from ?? 0), oldest, limit);
  };
  // One read transaction: the stream row (deletion, truncation) and its events come from the same
  // snapshot even while another process appends to the file.
  const streamRowsInSnapshot = db.transaction(streamRows);

  return {
    readStream: (streamId, options = {}) => {
      validateStreamId(streamId);
      const limit = limitOf(validateMaxCount(options.maxCount));
      const from =
        options.fromRevision === undefined
          ? undefined
          : validateRevision('fromRevision', options.fromRevision);
      return decodeEvents(streamRowsInSnapshot(streamId, options.direction, from, limit));
    },
    readAll: (options = {}) => {
      const after = validatePosition('after', options.after ?? 0);
      const limit = limitOf(validateMaxCount(options.maxCount));
      return decodeEvents(statements.readAll.all(after, limit));
    },
    readByQuery: (query, options = {}) => {
      const items = normalizeQuery(query);
      const after = validatePosition('after', options.after ?? 0);
      const limit = limitOf(validateMaxCount(options.maxCount));
      return decodeEvents(queries.rows(items, after, limit));
    },
    streamState: (streamId) => {
      validateStreamId(streamId);
      const row = statements.streamRow.get(streamId);
      const revision = liveRevision(row);
      return {
        streamId,
        revision,
        deleted: row !== undefined && revision === -1 && row.revision >= 0,
        metadata: row === undefined ? {} : decodeStreamMetadata(row.metadata),
      };
    },
    headPosition: () => statements.head.get() ?? 0,
  };
};

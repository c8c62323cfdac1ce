import type { NewEvent, RecordedEvent } from '../../core/envelope.js';
import { ConditionFailedError, DuplicateEventIdError } from '../../core/errors.js';
import type { AppendOptions, AppendResult } from '../../core/store.js';
import { checkExpectedRevision } from '../../shared/expected-revision.js';
import type { ResolvedStoreOptions } from '../../shared/options.js';
import { recordEvent, withIds } from '../../shared/record.js';
import { type ValidatedAppend, validateAppend } from '../../shared/validate.js';
import type { QueryRunner } from './query-sql.js';
import { decodeEvent, liveRevision, type StreamRow } from './rows.js';
import type { SqliteStatements } from './statements.js';
import type { SqliteInlineProjection, SqliteTransaction } from './types.js';

/** A validated append whose events all carry ids, ready to run inside a write transaction. */
export interface PreparedAppend extends ValidatedAppend {
  readonly events: readonly (NewEvent & { readonly id: string })[];
  /** Per event: whether its id may already be stored (false for a fresh random UUID). */
  readonly mayRepeat: readonly boolean[];
}

export interface AppenderOptions {
  readonly statements: SqliteStatements;
  readonly queries: QueryRunner;
  readonly options: ResolvedStoreOptions;
  readonly inlineProjections: readonly SqliteInlineProjection[];
  /**
   * True when ids the store generates are random UUIDs (no `newId` option): such an id cannot be
   * stored already, so the idempotency check skips its index lookup. A custom `newId` (a counter,
   * say) may repeat itself across restarts, so its ids are checked like given ones.
   */
  readonly generatedIdsAreFresh: boolean;
}

export interface Appender {
  /** Validates outside the write lock, so malformed input never reaches the queue. */
  readonly prepare: (
    streamId: string,
    events: readonly NewEvent[],
    options?: AppendOptions,
  ) => PreparedAppend;
  /**
   * Runs a prepared append; must be called inside a write transaction. Throws typed errors.
   * `nested`: the append is one step of larger work (`tx.append`) whose caller may catch its error
   * and go on, so it needs a savepoint of its own; a queued append is undone by the writer instead.
   */
  readonly run: (tx: SqliteTransaction, input: PreparedAppend, nested: boolean) => AppendResult;
}

const resultOf = (streamId: string, events: readonly RecordedEvent[], next: number, duplicate: boolean) => ({
  streamId,
  nextExpectedRevision: next,
  position: (events[events.length - 1] as RecordedEvent).position,
  events,
  duplicate,
});

/**
 * The append itself. Everything here runs under the write lock (`BEGIN IMMEDIATE`, held by this
 * connection for the whole batch), so the checks and the writes cannot interleave with another
 * writer, in this process or another: what the checks read is what the writes build on.
 */
export const createAppender = ({
  statements,
  queries,
  options,
  inlineProjections,
  generatedIdsAreFresh,
}: AppenderOptions): Appender => {
  /** An idempotent repeat: every id stored, all in this stream. A partial overlap is an error. */
  const findRepeat = (
    streamId: string,
    ids: readonly string[],
    mayRepeat: readonly boolean[],
  ): readonly RecordedEvent[] | undefined => {
    const stored = ids.map((id, index) => (mayRepeat[index] ? statements.eventById.get(id) : undefined));
    if (stored.every((row) => row === undefined)) return undefined;
    const index = stored.findIndex((row) => row === undefined || row.stream_id !== streamId);
    if (index >= 0) throw new DuplicateEventIdError(ids[index] as string);
    return stored.map((row) => decodeEvent(row as NonNullable<typeof row>));
  };

  const assertDistinctIds = (ids: readonly string[]): void => {
    if (ids.length < 2) return;
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw new DuplicateEventIdError(id, `event id ${id} appears twice in one append`);
      seen.add(id);
    }
  };

  const write = (recorded: readonly RecordedEvent[], streamId: string, isNew: boolean): void => {
    // The stream's revision lives in the events' own index; its row is written once, at creation.
    if (isNew) statements.insertStream.run(streamId);
    for (const event of recorded) {
      statements.insertEvent.run(
        event.position,
        event.id,
        streamId,
        event.revision,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
        JSON.stringify(event.tags),
        event.time,
        event.source,
      );
      for (const tag of new Set(event.tags)) statements.insertTag.run(tag, event.position);
    }
  };

  const writeAndProject = (
    tx: SqliteTransaction,
    recorded: readonly RecordedEvent[],
    streamId: string,
    isNew: boolean,
  ): void => {
    write(recorded, streamId, isNew);
    for (const projection of inlineProjections) projection.apply(tx, recorded);
  };

  const run = (tx: SqliteTransaction, input: PreparedAppend, nested: boolean): AppendResult => {
    const { streamId } = input;
    const ids = input.events.map((event) => event.id);
    assertDistinctIds(ids);
    const stream: StreamRow | undefined = statements.streamRow.get(streamId);
    const repeat = findRepeat(streamId, ids, input.mayRepeat);
    if (repeat) return resultOf(streamId, repeat, liveRevision(stream), true);
    const conflict = checkExpectedRevision(streamId, input.expectedRevision, liveRevision(stream));
    if (conflict) throw conflict;
    if (input.condition) {
      const newest = queries.newest(input.condition.query, input.condition.after);
      if (newest > 0) throw new ConditionFailedError(input.condition.after, newest);
    }
    // Revisions continue after a soft delete (the index keeps the deleted events' revisions);
    // positions follow the newest stored event, read under the write lock.
    const base = stream?.revision ?? -1;
    const head = statements.head.get() ?? 0;
    const time = options.clock().toISOString();
    const recorded = input.events.map((event, index) =>
      recordEvent(event, { streamId, revision: base + 1 + index, position: head + 1 + index, time }, options),
    );
    if (!nested) writeAndProject(tx, recorded, streamId, stream === undefined);
    else {
      // When a write or an inline projection throws, the events written so far are undone even
      // though the caller's work may catch the error and carry on.
      statements.savepoint('ef_append').run();
      try {
        writeAndProject(tx, recorded, streamId, stream === undefined);
        statements.release('ef_append').run();
      } catch (error) {
        // After an I/O or disk-full error SQLite may have rolled back the whole transaction already.
        if (statements.begin.database.inTransaction) {
          statements.rollbackTo('ef_append').run();
          statements.release('ef_append').run();
        }
        throw error;
      }
    }
    return resultOf(streamId, recorded, base + recorded.length, false);
  };

  return {
    prepare: (streamId, events, appendOptions) => {
      const input = validateAppend(streamId, events, appendOptions);
      return {
        ...input,
        events: withIds(input.events, options),
        mayRepeat: input.events.map((event) => event.id !== undefined || !generatedIdsAreFresh),
      };
    },
    run,
  };
};

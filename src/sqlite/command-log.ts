import type { EventMetadata } from '../core/envelope.js';
import { NotFoundError } from '../core/errors.js';
import type { JsonObject } from '../core/json.js';
import type { AppendResult } from '../core/store.js';
import {
  acceptedRecord,
  appendOf,
  commandFingerprint,
  DEFAULT_PARTITION_COUNT,
  decodeCommandRow,
  finalFields,
  partitionOf,
  resolveRepeat,
  validateEnqueueInput,
} from '../queue/records.js';
import type {
  CommandLog,
  CommandOutcome,
  CommandRecord,
  CompleteResult,
  EnqueueInput,
  EnqueueResult,
} from '../queue/types.js';
import { type CommandLogStatements, prepareCommandLogStatements } from './schema/command-log.js';
import type { SqliteEventStore } from './store/types.js';

/** Options of `createSqliteCommandLog`. */
export interface SqliteCommandLogOptions {
  /** The store whose file holds the log; outcomes commit in its transactions, with the events. */
  readonly store: SqliteEventStore;
  readonly partitionCount?: number;
  readonly clock?: () => Date;
}

const decode = decodeCommandRow;

/**
 * True for SQLite's refusal of a duplicate `command_id` or `idempotency_key`; files of the older
 * layout have `command_id` as their primary key, refused with the PRIMARYKEY code.
 */
const isUniqueViolation = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};

/**
 * Inserts a new accepted command and returns its record (built here: no read back). Throws
 * SQLite's UNIQUE refusal when its command id or idempotency key is already in the log.
 */
const insertNew = (
  statements: CommandLogStatements,
  input: EnqueueInput,
  fingerprint: string,
  partitionCount: number,
  now: string,
): CommandRecord => {
  const partition = partitionOf(input.partitionKey, partitionCount);
  const payload = JSON.stringify(input.command.data);
  const metadata = JSON.stringify(input.metadata ?? {});
  const { seq } = statements.insert.get({
    command_id: input.commandId,
    partition_key: input.partitionKey,
    partition_no: partition,
    type: input.command.type,
    payload,
    metadata,
    idempotency_key: input.idempotencyKey ?? null,
    fingerprint,
    accepted_at: now,
  }) as { seq: number };
  statements.markKeyReady.run({ partition_key: input.partitionKey, partition_no: partition, seq });
  // Parsed from what was stored, so the record is exactly what a later read returns.
  return acceptedRecord(input, {
    seq,
    partition,
    fingerprint,
    data: JSON.parse(payload) as JsonObject,
    metadata: JSON.parse(metadata) as EventMetadata,
    acceptedAt: now,
  });
};

/**
 * The durable command log on SQLite: tables `ef_commands` and `ef_command_keys` in the event
 * store's file. Every write goes through the store's group-committed `transaction`, so `enqueue`
 * resolves after the fsync and `complete` stores events and outcome atomically. One process
 * works a file's queue: `acquire` grants every partition (several processes sharing the file
 * would still never apply a command twice, but could reorder a key's commands).
 */
export const createSqliteCommandLog = (options: SqliteCommandLogOptions): CommandLog => {
  const { store } = options;
  const partitionCount = options.partitionCount ?? DEFAULT_PARTITION_COUNT;
  const clock = options.clock ?? (() => new Date());
  // The tables come with the store's versioned schema (version 3), applied when the store opened.
  const statements = prepareCommandLogStatements(store.database);
  const read = (commandId: string): CommandRecord | undefined => {
    const row = statements.byId.get(commandId);
    return row ? decode(row) : undefined;
  };
  const readByKey = (key: string): CommandRecord | undefined => {
    const row = statements.byKey.get(key);
    return row ? decode(row) : undefined;
  };
  /**
   * Records handed out by `next` and not completed yet (at most the workers' concurrency). While
   * such a command is still accepted its stored fields are exactly these, so `complete` reads only
   * its status instead of the whole row (the payload and metadata JSON parsed again).
   */
  const handedOut = new Map<string, CommandRecord>();
  const readForComplete = (commandId: string): CommandRecord | undefined => {
    const known = handedOut.get(commandId);
    if (known === undefined) return read(commandId);
    const row = statements.statusById.get(commandId);
    if (row === undefined) return undefined;
    // Final since (another worker): the stored row is what counts. `recordAttempt` forgets the
    // handed-out record, so an accepted one here still has the attempts it was handed out with.
    return row.status === 'accepted' ? known : read(commandId);
  };

  const enqueue = (input: EnqueueInput): Promise<EnqueueResult> => {
    validateEnqueueInput(input);
    const fingerprint = input.fingerprint ?? commandFingerprint(input.command);
    // Checked inside the write transaction: two racing requests with one key cannot both insert.
    // Inserted first, looked up only when refused: a new command (nearly every enqueue) then costs
    // no lookup, and a refused INSERT undoes only itself (SQLite's ABORT): the transaction goes on.
    return store.transaction((): EnqueueResult => {
      try {
        const record = insertNew(statements, input, fingerprint, partitionCount, clock().toISOString());
        return { record, duplicate: false };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // The earlier command under this id, else under this key, answers (same fingerprint) or
        // the enqueue fails with a mismatch.
        const repeat = resolveRepeat(input, fingerprint, { byId: read, byKey: readByKey });
        if (repeat) return repeat;
        throw error;
      }
    });
  };

  const complete = (commandId: string, outcome: CommandOutcome): Promise<CompleteResult> =>
    store.transaction((tx): CompleteResult => {
      const current = readForComplete(commandId);
      if (!current) throw new NotFoundError('command', `command ${commandId} is not in the log`);
      // Already final (processed before a crash, or by another worker): write nothing at all.
      if (current.status !== 'accepted') {
        handedOut.delete(commandId);
        return { applied: false, record: current };
      }
      // A conflict thrown here rolls back this whole unit, status included: the command stays
      // accepted and the caller decides again on fresh state.
      const events = appendOf(outcome);
      const append: AppendResult | undefined = events
        ? tx.append(events.streamId, events.events, events.options)
        : undefined;
      const { error, result } = finalFields(outcome, append);
      const processedAt = clock().toISOString();
      statements.finish.run({
        command_id: commandId,
        status: outcome.status,
        error: error === null ? null : JSON.stringify(error),
        result: result === null ? null : JSON.stringify(result),
        processed_at: processedAt,
      });
      statements.advanceKey.run(current.partitionKey, current.partitionKey);
      // Forgotten only once committed: a rolled-back completion (conflict) is retried with it.
      tx.afterCommit(() => handedOut.delete(commandId));
      const record: CommandRecord = { ...current, status: outcome.status, error, result, processedAt };
      return append ? { applied: true, record, append } : { applied: true, record };
    });

  return {
    partitionCount,
    enqueue,
    get: async (commandId) => read(commandId),
    findByIdempotencyKey: async (key) => readByKey(key),
    countPending: async (partitionKey, beforeSeq) =>
      (statements.countPending.get(partitionKey, beforeSeq ?? Number.MAX_SAFE_INTEGER) as { pending: number })
        .pending,
    acquire: async (ownerId) => ({
      ownerId,
      partitions: () => Array.from({ length: partitionCount }, (_, index) => index),
      release: async () => undefined,
    }),
    next: async ({ partitions, excludeKeys, limit }) => {
      const excluded = JSON.stringify([...excludeKeys]);
      // Owning every partition means owning every row, whatever partition count recorded it.
      const rows =
        partitions.length === partitionCount
          ? statements.nextAny.all(excluded, limit)
          : statements.next.all(JSON.stringify(partitions), excluded, limit);
      const records = rows.map(decode);
      for (const record of records) handedOut.set(record.commandId, record);
      return records;
    },
    complete,
    recordAttempt: (commandId, error) =>
      store.transaction(() => {
        handedOut.delete(commandId);
        statements.recordAttempt.run(JSON.stringify(error), commandId);
        return read(commandId);
      }),
  };
};

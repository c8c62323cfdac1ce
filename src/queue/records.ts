import { createHash } from 'node:crypto';
import type { EventMetadata, Message } from '../core/envelope.js';
import { IdempotencyMismatchError, ValidationError } from '../core/errors.js';
import type { JsonObject } from '../core/json.js';
import type { AppendResult } from '../core/store.js';
import { assertStorableText } from '../shared/validate.js';
import type {
  CommandAppend,
  CommandError,
  CommandOutcome,
  CommandRecord,
  CommandStatus,
  EnqueueInput,
  EnqueueResult,
} from './types.js';

/** Default number of ownership buckets. Enough to spread keys over a handful of nodes. */
export const DEFAULT_PARTITION_COUNT = 64;

const MAX_ID_LENGTH = 200;

/**
 * Ownership bucket of a partition key (FNV-1a, 32 bit). Stable across processes and versions:
 * every backend must compute the same bucket, so never change it.
 */
export const partitionOf = (partitionKey: string, partitionCount: number): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < partitionKey.length; index += 1) {
    hash ^= partitionKey.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitionCount;
};

/** Default request fingerprint: the command's type and data. */
export const commandFingerprint = (command: Message): string =>
  createHash('sha256')
    .update(`${command.type}\n${JSON.stringify(command.data)}`)
    .digest('base64url');

const checkId = (field: string, value: unknown): void => {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH)
    throw new ValidationError(`${field}: must be a non-empty string of at most ${MAX_ID_LENGTH} characters`, [
      { field, message: `must be a non-empty string of at most ${MAX_ID_LENGTH} characters` },
    ]);
};

/** Checks what `enqueue` is given before anything is written. */
export const validateEnqueueInput = (input: EnqueueInput): void => {
  checkId('commandId', input.commandId);
  checkId('partitionKey', input.partitionKey);
  if (input.idempotencyKey !== undefined) checkId('idempotencyKey', input.idempotencyKey);
  if (typeof input.command?.type !== 'string' || input.command.type.length === 0)
    throw new ValidationError('command.type: must be a non-empty string', [
      { field: 'command.type', message: 'must be a non-empty string' },
    ]);
  if (typeof input.command.data !== 'object' || input.command.data === null)
    throw new ValidationError('command.data: must be an object', [
      { field: 'command.data', message: 'must be an object' },
    ]);
  // The same text rule as the event stores: a command recorded with a NUL or a lone surrogate
  // would fail (PostgreSQL) or change (SQLite) in the log, and again in the events it decides.
  // Ids, keys and the type strictly; data and metadata are kept as JSON text, NUL-safe.
  const { commandId, partitionKey, idempotencyKey, command, metadata } = input;
  assertStorableText({ commandId, partitionKey, idempotencyKey, command: { type: command.type } }, '');
  assertStorableText(command.data, 'command/data', { allowNul: true });
  if (metadata !== undefined) assertStorableText(metadata, 'metadata', { allowNul: true });
};

const repeatOf = (
  existing: CommandRecord | undefined,
  fingerprint: string,
  key: string,
): EnqueueResult | undefined => {
  if (!existing) return undefined;
  if (existing.fingerprint !== fingerprint) throw new IdempotencyMismatchError(key, existing.commandId);
  return { record: existing, duplicate: true };
};

/** How a log finds the earlier records an enqueue may repeat. */
export interface RepeatLookup {
  readonly byId: (commandId: string) => CommandRecord | undefined;
  readonly byKey: (idempotencyKey: string) => CommandRecord | undefined;
}

/**
 * Decides what an enqueue meets, for every log: an earlier record under the same command id,
 * else under the same idempotency key, is a repeat when the fingerprint matches (the first record
 * answers) and an `IdempotencyMismatchError` when it does not; undefined when there is none.
 */
export const resolveRepeat = (
  input: Pick<EnqueueInput, 'commandId' | 'idempotencyKey'>,
  fingerprint: string,
  lookup: RepeatLookup,
): EnqueueResult | undefined => {
  const { commandId, idempotencyKey } = input;
  const sameId = repeatOf(lookup.byId(commandId), fingerprint, idempotencyKey ?? commandId);
  if (sameId || idempotencyKey === undefined) return sameId;
  return repeatOf(lookup.byKey(idempotencyKey), fingerprint, idempotencyKey);
};

/** What a log decides about a newly recorded command; the rest of the record follows from its input. */
export interface AcceptedFields {
  readonly seq: number;
  readonly partition: number;
  readonly fingerprint: string;
  /** The command's data and metadata as the log holds them (a copy, or parsed back from storage). */
  readonly data: JsonObject;
  readonly metadata: EventMetadata;
  readonly acceptedAt: string;
}

/** The record of a command just accepted, the same on every log. */
export const acceptedRecord = (input: EnqueueInput, fields: AcceptedFields): CommandRecord => ({
  commandId: input.commandId,
  partitionKey: input.partitionKey,
  partition: fields.partition,
  seq: fields.seq,
  type: input.command.type,
  data: fields.data,
  metadata: fields.metadata,
  idempotencyKey: input.idempotencyKey ?? null,
  fingerprint: fields.fingerprint,
  status: 'accepted',
  attempts: 0,
  error: null,
  result: null,
  acceptedAt: fields.acceptedAt,
  processedAt: null,
});

/** True when the status is final: the command will not be processed again. */
export const isFinal = (status: CommandStatus): boolean => status !== 'accepted';

/** The events an outcome commits with itself: those of a success that decided any, else none. */
export const appendOf = (outcome: CommandOutcome): CommandAppend | undefined =>
  outcome.status === 'succeeded' && outcome.append && outcome.append.events.length > 0
    ? outcome.append
    : undefined;

/** The final `error` and `result` of a record, given its outcome and where its events landed. */
export const finalFields = (
  outcome: CommandOutcome,
  append: AppendResult | undefined,
): { readonly error: CommandError | null; readonly result: JsonObject | null } =>
  outcome.status === 'succeeded'
    ? { error: null, result: resultWithAppend(outcome.result, append) }
    : { error: outcome.error, result: null };

/** The stored result of a success: the handler's fields plus where its events landed. */
export const resultWithAppend = (result: JsonObject, append: AppendResult | undefined): JsonObject =>
  append
    ? {
        ...result,
        streamId: append.streamId,
        position: append.position,
        nextExpectedRevision: append.nextExpectedRevision,
        events: append.events.length,
      }
    : { ...result, events: 0 };

/** A command-log row as SQL drivers return it (`seq` is a string where the driver maps BIGINT so). */
export interface CommandRow {
  readonly command_id: string;
  readonly seq: number | string;
  readonly partition_key: string;
  readonly partition_no: number;
  readonly type: string;
  readonly payload: string;
  readonly metadata: string;
  readonly idempotency_key: string | null;
  readonly fingerprint: string;
  readonly status: string;
  readonly attempts: number;
  readonly error: string | null;
  readonly result: string | null;
  readonly accepted_at: string;
  readonly processed_at: string | null;
}

/** Turns a stored command-log row into its record; every SQL log stores the same columns. */
export const decodeCommandRow = (row: CommandRow): CommandRecord => ({
  commandId: row.command_id,
  partitionKey: row.partition_key,
  partition: row.partition_no,
  seq: Number(row.seq),
  type: row.type,
  data: JSON.parse(row.payload) as JsonObject,
  metadata: JSON.parse(row.metadata) as EventMetadata,
  idempotencyKey: row.idempotency_key,
  fingerprint: row.fingerprint,
  status: row.status as CommandStatus,
  attempts: row.attempts,
  error: row.error === null ? null : (JSON.parse(row.error) as CommandError),
  result: row.result === null ? null : (JSON.parse(row.result) as JsonObject),
  acceptedAt: row.accepted_at,
  processedAt: row.processed_at,
});

/**
 * The typed errors of Eventfold. Every error carries a stable `code`; callers branch on
 * the code (or the type guards below), never on message text.
 */

export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONCURRENCY_CONFLICT'
  | 'CONDITION_FAILED'
  | 'DUPLICATE_EVENT_ID'
  | 'SERIALIZATION'
  | 'STREAM_DELETED'
  | 'REJECTED'
  | 'STORE_CLOSED'
  | 'IDEMPOTENCY_MISMATCH';

export interface ErrorDetail {
  /** JSON pointer-ish path of the offending field, e.g. `/weightKg` or `streamId`. */
  readonly field: string;
  readonly message: string;
}

/** Base of every Eventfold error. */
export class EventfoldError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Input is structurally invalid: missing or wrong-typed fields, bad ids, unknown options. */
export class ValidationError extends EventfoldError {
  readonly details: readonly ErrorDetail[];
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super('VALIDATION', message);
    this.details = details;
  }
}

/** A resource that was read does not exist. */
export class NotFoundError extends EventfoldError {
  readonly resource: string;
  constructor(resource: string, message = `${resource} not found`) {
    super('NOT_FOUND', message);
    this.resource = resource;
  }
}

/** The stream's revision was not the one the append expected. */
export class ConcurrencyError extends EventfoldError {
  readonly streamId: string;
  readonly expected: string | number;
  /** Revision of the stream's last event, or -1 when the stream has no events. */
  readonly actual: number;
  constructor(streamId: string, expected: string | number, actual: number) {
    super(
      'CONCURRENCY_CONFLICT',
      `stream ${streamId}: expected revision ${String(expected)}, actual ${actual}`,
    );
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

/** A Dynamic Consistency Boundary condition failed: a matching event was stored after `after`. */
export class ConditionFailedError extends EventfoldError {
  readonly after: number;
  /** Global position of the newest event that matched the condition's query. */
  readonly conflictingPosition: number;
  constructor(after: number, conflictingPosition: number) {
    super(
      'CONDITION_FAILED',
      `append condition failed: an event matching the query was stored at position ${conflictingPosition}, after ${after}`,
    );
    this.after = after;
    this.conflictingPosition = conflictingPosition;
  }
}

/** Some, but not all, event ids of an append are already stored, or stored in another stream. */
export class DuplicateEventIdError extends EventfoldError {
  readonly eventId: string;
  constructor(eventId: string, message?: string) {
    super('DUPLICATE_EVENT_ID', message ?? `event id ${eventId} is already stored by a different append`);
    this.eventId = eventId;
  }
}

/** Data that cannot be stored as JSON (cycles, BigInt, functions, non-finite numbers…). */
export class SerializationError extends EventfoldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SERIALIZATION', message, options);
  }
}

/** The stream was soft-deleted and the operation needs it to exist. */
export class StreamDeletedError extends EventfoldError {
  readonly streamId: string;
  constructor(streamId: string) {
    super('STREAM_DELETED', `stream ${streamId} is deleted`);
    this.streamId = streamId;
  }
}

/** A decider refused a command; carries the rejection value. */
export class RejectedError extends EventfoldError {
  readonly reason: string;
  readonly details: readonly ErrorDetail[];
  constructor(reason: string, message: string, details: readonly ErrorDetail[] = []) {
    super('REJECTED', message);
    this.reason = reason;
    this.details = details;
  }
}

/** The store was closed; no further operation is possible. */
export class StoreClosedError extends EventfoldError {
  constructor() {
    super('STORE_CLOSED', 'the event store is closed');
  }
}

/** An idempotency key (or command id) was reused with a different request body. */
export class IdempotencyMismatchError extends EventfoldError {
  readonly idempotencyKey: string;
  /** The command recorded under the key the first time. */
  readonly commandId: string;
  constructor(idempotencyKey: string, commandId: string) {
    super(
      'IDEMPOTENCY_MISMATCH',
      `idempotency key ${idempotencyKey} was already used for command ${commandId} with a different request`,
    );
    this.idempotencyKey = idempotencyKey;
    this.commandId = commandId;
  }
}

export const isEventfoldError = (error: unknown): error is EventfoldError => error instanceof EventfoldError;

const hasCode =
  <T extends EventfoldError>(code: ErrorCode) =>
  (error: unknown): error is T =>
    isEventfoldError(error) && error.code === code;

export const isValidationError = hasCode<ValidationError>('VALIDATION');
export const isNotFoundError = hasCode<NotFoundError>('NOT_FOUND');
export const isConcurrencyError = hasCode<ConcurrencyError>('CONCURRENCY_CONFLICT');
export const isConditionFailedError = hasCode<ConditionFailedError>('CONDITION_FAILED');
export const isDuplicateEventIdError = hasCode<DuplicateEventIdError>('DUPLICATE_EVENT_ID');
export const isSerializationError = hasCode<SerializationError>('SERIALIZATION');
export const isStreamDeletedError = hasCode<StreamDeletedError>('STREAM_DELETED');
export const isRejectedError = hasCode<RejectedError>('REJECTED');
export const isIdempotencyMismatchError = hasCode<IdempotencyMismatchError>('IDEMPOTENCY_MISMATCH');

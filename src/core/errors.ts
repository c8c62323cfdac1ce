/**
 * The typed errors of Eventfold, and the one catalogue of every error code a library caller or an
 * HTTP client can see. Callers branch on the code (or the type guards below), never on message text.
 */

/**
 * Every code Eventfold produces, with what it means. Errors thrown by the library carry one as
 * `code`; HTTP answers carry one as `error.code` (statuses: `eventfold/http`'s `toErrorAnswer`);
 * a failed queued command carries one as `error.code`. Two kinds of code are not listed because
 * the application writes them: a decider's rejection reason (`SHIPMENT_NOT_FOUND`), which stands
 * in for `REJECTED` in HTTP answers and command outcomes, and the `code` of an error a handler
 * throws itself, which a failed command keeps.
 */
export const ErrorCodes = {
  // Library errors: thrown by stores, the runtime and the queue (see the classes below).
  /** Input is structurally invalid: missing or wrong-typed fields, bad ids, unknown options. */
  VALIDATION: 'VALIDATION',
  /** A resource that was read does not exist (a stream, a command, a route). */
  NOT_FOUND: 'NOT_FOUND',
  /** The stream's revision was not the one the append expected. */
  CONCURRENCY_CONFLICT: 'CONCURRENCY_CONFLICT',
  /** A Dynamic Consistency Boundary condition failed: a matching event was stored after `after`. */
  CONDITION_FAILED: 'CONDITION_FAILED',
  /** Some, but not all, event ids of an append are already stored, or stored in another stream. */
  DUPLICATE_EVENT_ID: 'DUPLICATE_EVENT_ID',
  /** Data that cannot be stored as JSON (cycles, BigInt, functions, non-finite numbers…). */
  SERIALIZATION: 'SERIALIZATION',
  /** The stream was soft-deleted and the operation needs it to exist. */
  STREAM_DELETED: 'STREAM_DELETED',
  /** A decider refused a command (`RejectedError`; its `reason` is what clients see as the code). */
  REJECTED: 'REJECTED',
  /** The store, or a resource built on it (projection ownership), was closed. */
  STORE_CLOSED: 'STORE_CLOSED',
  /** An idempotency key (or command id) was reused with a different request body. */
  IDEMPOTENCY_MISMATCH: 'IDEMPOTENCY_MISMATCH',
  /** A broken invariant: a database answer that cannot happen, or a bug. Never the caller's fault. */
  INTERNAL: 'INTERNAL',
  // Queued command outcomes: the `error.code` of a `failed` command.
  /** Processing threw an error without a code of its own, `maxAttempts` times (dead letter). */
  PROCESSING_ERROR: 'PROCESSING_ERROR',
  /** The command log holds a command whose type no handler of this queue knows. */
  UNKNOWN_COMMAND_TYPE: 'UNKNOWN_COMMAND_TYPE',
  // HTTP request errors: what the server answers before a route runs.
  /** The request body is larger than the server's `bodyLimit`. */
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  /** The request body is not valid JSON, or is empty while its content type says JSON. */
  INVALID_JSON: 'INVALID_JSON',
  /** The request body is not JSON (`content-type` is not `application/json`). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** The request body's length does not match its `content-length` header. */
  INVALID_CONTENT_LENGTH: 'INVALID_CONTENT_LENGTH',
  /** Any other request the HTTP framework refuses (a malformed URL, …), with the framework's status. */
  BAD_REQUEST: 'BAD_REQUEST',
} as const;

/** One code of the catalogue (`ErrorCodes`). */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface ErrorDetail {
  /** JSON pointer-ish path of the offending field, e.g. `/weightKg` or `streamId`. */
  readonly field: string;
  readonly message: string;
}

/**
 * Marks an Eventfold error. A registered symbol is the same in every copy of the package loaded
 * into one process (two versions in node_modules, a bundled copy), so the guards below recognise
 * an error thrown by another copy, where `instanceof` would say no.
 */
const BRAND = Symbol.for('eventfold.error');

/** Base of every Eventfold error. */
export class EventfoldError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
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

/** The store (or a resource built on it) was closed; no further operation is possible. */
export class StoreClosedError extends EventfoldError {
  constructor(message = 'the event store is closed') {
    super('STORE_CLOSED', message);
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

/** A broken invariant (a database answer that cannot happen, a bug); HTTP answers hide its message. */
export class InternalError extends EventfoldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INTERNAL', message, options);
  }
}

/** True for an error of any copy of Eventfold: it carries the brand and a string `code`. */
export const isEventfoldError = (error: unknown): error is EventfoldError =>
  typeof error === 'object' &&
  error !== null &&
  (error as { readonly [BRAND]?: unknown })[BRAND] === true &&
  typeof (error as { readonly code?: unknown }).code === 'string';

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
export const isStoreClosedError = hasCode<StoreClosedError>('STORE_CLOSED');
export const isIdempotencyMismatchError = hasCode<IdempotencyMismatchError>('IDEMPOTENCY_MISMATCH');
export const isInternalError = hasCode<InternalError>('INTERNAL');

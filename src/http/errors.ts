import type { ErrorCode, ErrorDetail } from '../core/errors.js';
import { isEventfoldError, isRejectedError, isValidationError } from '../core/errors.js';
import type { ErrorBody } from './types.js';

/**
 * The ONE place Eventfold error codes become HTTP statuses; every code of the catalogue has one.
 * `IDEMPOTENCY_MISMATCH` is 422 (the IETF Idempotency-Key draft's answer for a key reused with
 * another payload). The contract wants 400 for every structurally invalid body, so a too-large or
 * non-JSON body is 400 too (not 413/415). A failed command's codes are 500, as its waited answer is.
 */
const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  SERIALIZATION: 400,
  BODY_TOO_LARGE: 400,
  INVALID_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 400,
  INVALID_CONTENT_LENGTH: 400,
  BAD_REQUEST: 400,
  NOT_FOUND: 404,
  REJECTED: 409,
  CONCURRENCY_CONFLICT: 409,
  CONDITION_FAILED: 409,
  DUPLICATE_EVENT_ID: 409,
  STREAM_DELETED: 409,
  IDEMPOTENCY_MISMATCH: 422,
  INTERNAL: 500,
  PROCESSING_ERROR: 500,
  UNKNOWN_COMMAND_TYPE: 500,
  STORE_CLOSED: 503,
};

/** Fastify's own request errors, renamed to codes of the catalogue. */
const FASTIFY_ERRORS: Readonly<Record<string, { readonly code: ErrorCode; readonly message: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', message: 'request body is too large' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'INVALID_JSON',
    message: 'request body is empty but content-type is application/json',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'request body must be JSON (content-type: application/json)',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'INVALID_CONTENT_LENGTH',
    message: 'request body length does not match content-length',
  },
};

/** An error answer: status and body in the contract's shape. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: ErrorBody;
}

/** One Ajv error, as Fastify hands it over (`error.validation`). */
interface AjvIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Readonly<Record<string, unknown>>;
}

const answer = (status: number, code: string, message: string, details: readonly ErrorDetail[] = []) => ({
  status,
  body: { error: { code, message, details } },
});

/** An answer with a catalogue code, at the code's status. */
const coded = (code: ErrorCode, message: string, details: readonly ErrorDetail[] = []): ErrorAnswer =>
  answer(STATUS_BY_CODE[code], code, message, details);

const INTERNAL_MESSAGE = 'internal server error';

/** Names the offending field of an Ajv issue, so `details` lists every field, unknown ones included. */
const detailOf = (issue: AjvIssue, part: string): ErrorDetail => {
  const base = issue.instancePath;
  const field = (name: unknown): string => `${base}/${String(name)}`;
  switch (issue.keyword) {
    case 'required':
      return { field: field(issue.params.missingProperty), message: 'is required' };
    case 'additionalProperties':
      return { field: field(issue.params.additionalProperty), message: 'is not an allowed field' };
    default:
      return { field: base === '' ? `(${part})` : base, message: issue.message ?? issue.keyword };
  }
};

const fieldList = (details: readonly ErrorDetail[]): string =>
  [...new Set(details.map((detail) => detail.field))].join(', ');

/** Maps anything thrown while serving a request to the contract's error answer. */
export const toErrorAnswer = (error: unknown): ErrorAnswer => {
  // A rejection answers with the decider's reason as its code: the client branches on the rule.
  if (isRejectedError(error))
    return answer(STATUS_BY_CODE.REJECTED, error.reason, error.message, error.details);
  if (isValidationError(error)) return coded(error.code, error.message, error.details);
  // A broken invariant's message describes the server's insides, not the request.
  if (isEventfoldError(error))
    return coded(error.code, error.code === 'INTERNAL' ? INTERNAL_MESSAGE : error.message);
  const fastifyError = error as {
    readonly code?: string;
    readonly statusCode?: number;
    readonly validation?: readonly AjvIssue[];
    readonly validationContext?: string;
    readonly message?: string;
  };
  if (fastifyError.validation) {
    const part = fastifyError.validationContext ?? 'body';
    const details = fastifyError.validation.map((issue) => detailOf(issue, part));
    return coded('VALIDATION', `invalid ${part}: ${fieldList(details)}`, details);
  }
  const known = fastifyError.code === undefined ? undefined : FASTIFY_ERRORS[fastifyError.code];
  if (known) return coded(known.code, known.message, [{ field: '(body)', message: known.message }]);
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // Fastify's other refusals (FST_ERR_*) become BAD_REQUEST, so every code it raises is in the
    // catalogue; a code the application's own error carries is the application's, and passes.
    const own =
      fastifyError.code === undefined || fastifyError.code.startsWith('FST_') ? undefined : fastifyError.code;
    return answer(status, own ?? 'BAD_REQUEST', fastifyError.message ?? 'bad request');
  }
  return coded('INTERNAL', INTERNAL_MESSAGE);
};

/** The 404 answer for an unknown route or resource. */
export const notFoundAnswer = (what: string): ErrorAnswer => coded('NOT_FOUND', `${what} not found`);

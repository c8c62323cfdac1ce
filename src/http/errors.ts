import type { ErrorCode, ErrorDetail } from '../core/errors.js';
import { isEventfoldError, isRejectedError, isValidationError } from '../core/errors.js';
import type { ErrorBody } from './types.js';

/**
 * The ONE place Eventfold error codes become HTTP statuses. `IDEMPOTENCY_MISMATCH` is 422 (the
 * IETF Idempotency-Key draft's answer for a key reused with another payload).
 */
const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  SERIALIZATION: 400,
  NOT_FOUND: 404,
  REJECTED: 409,
  CONCURRENCY_CONFLICT: 409,
  CONDITION_FAILED: 409,
  DUPLICATE_EVENT_ID: 409,
  STREAM_DELETED: 409,
  IDEMPOTENCY_MISMATCH: 422,
  STORE_CLOSED: 503,
};

/**
 * Fastify's own request errors, renamed to stable codes. The contract wants 400 for every
 * structurally invalid body, so a too-large or non-JSON body is 400 too (not 413/415).
 */
const FASTIFY_ERRORS: Readonly<Record<string, { readonly code: string; readonly message: string }>> = {
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
  if (isRejectedError(error)) return answer(409, error.reason, error.message, error.details);
  if (isValidationError(error)) return answer(400, error.code, error.message, error.details);
  if (isEventfoldError(error)) return answer(STATUS_BY_CODE[error.code], error.code, error.message);
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
    return answer(400, 'VALIDATION', `invalid ${part}: ${fieldList(details)}`, details);
  }
  const known = fastifyError.code === undefined ? undefined : FASTIFY_ERRORS[fastifyError.code];
  if (known) return answer(400, known.code, known.message, [{ field: '(body)', message: known.message }]);
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500)
    return answer(status, fastifyError.code ?? 'BAD_REQUEST', fastifyError.message ?? 'bad request');
  return answer(500, 'INTERNAL', 'internal server error');
};

/** The 404 answer for an unknown route or resource. */
export const notFoundAnswer = (what: string): ErrorAnswer => answer(404, 'NOT_FOUND', `${what} not found`);

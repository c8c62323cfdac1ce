import { ErrorCodes, isNotFoundError, isRejectedError, isValidationError } from '../core/errors.js';
import type { CommandError } from './types.js';

/** Why processing failed, as stored on the item: never the stack, never secrets. */
export const errorOf = (error: unknown): CommandError => {
  const coded = error as { code?: unknown; message?: unknown };
  return {
    code: typeof coded?.code === 'string' ? coded.code : ErrorCodes.PROCESSING_ERROR,
    message: typeof coded?.message === 'string' ? coded.message : String(error),
    details: [],
  };
};

/**
 * Typed errors a handler may throw instead of returning a rejection: the item itself is refused,
 * so retrying could never help — a final `rejected` outcome.
 */
export const refusalOf = (error: unknown): CommandError | undefined => {
  if (isRejectedError(error)) return { code: error.reason, message: error.message, details: error.details };
  if (isValidationError(error) || isNotFoundError(error))
    return {
      code: error.code,
      message: error.message,
      details: isValidationError(error) ? error.details : [],
    };
  return undefined;
};

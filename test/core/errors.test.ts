import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConcurrencyError,
  ErrorCodes,
  EventfoldError,
  InternalError,
  isConcurrencyError,
  isEventfoldError,
  isInternalError,
  isNotFoundError,
  isStoreClosedError,
  isValidationError,
  StoreClosedError,
  ValidationError,
} from 'eventfold';
import type * as errors from '../../src/core/errors.js';

/**
 * A second, separately evaluated copy of the errors module, as two installed copies of the package
 * would give: its classes are not this copy's classes, so `instanceof` across copies is false.
 */
const loadSecondCopy = async (): Promise<typeof errors> =>
  (await import(
    new URL(`../../src/core/errors.ts?copy=${Math.random()}`, import.meta.url).href
  )) as typeof errors;

describe('error catalogue', () => {
  test('every code is its own name, once', () => {
    const entries = Object.entries(ErrorCodes);
    for (const [name, code] of entries) assert.equal(code, name);
    assert.equal(new Set(Object.values(ErrorCodes)).size, entries.length);
  });

  test('the codes only the edges produced as strings are in it', () => {
    for (const code of [
      'PROCESSING_ERROR',
      'UNKNOWN_COMMAND_TYPE',
      'BODY_TOO_LARGE',
      'INVALID_JSON',
      'UNSUPPORTED_MEDIA_TYPE',
      'INVALID_CONTENT_LENGTH',
      'BAD_REQUEST',
      'INTERNAL',
    ])
      assert.ok(Object.values(ErrorCodes).includes(code as errors.ErrorCode), code);
  });
});

describe('guards', () => {
  test('recognise their own errors by code and nothing else', () => {
    const closed = new StoreClosedError();
    assert.equal(isStoreClosedError(closed), true);
    assert.equal(isEventfoldError(closed), true);
    assert.equal(isValidationError(closed), false);
    assert.equal(isConcurrencyError(new ConcurrencyError('s', 1, 2)), true);
    assert.equal(isInternalError(new InternalError('broken')), true);
    assert.equal(
      new StoreClosedError('projection ownership is closed').message,
      'projection ownership is closed',
    );
  });

  test('an object that only looks like an error (a code, no brand) is not an Eventfold error', () => {
    const lookalike = Object.assign(new Error('nope'), { code: 'STORE_CLOSED' });
    assert.equal(isEventfoldError(lookalike), false);
    assert.equal(isStoreClosedError(lookalike), false);
    assert.equal(isEventfoldError({ code: 'NOT_FOUND' }), false);
    for (const value of [undefined, null, 'STORE_CLOSED', 42]) assert.equal(isEventfoldError(value), false);
  });

  test('a branded error thrown by a second copy of the package passes every guard', async () => {
    const second = await loadSecondCopy();
    assert.notEqual(second.EventfoldError, EventfoldError, 'the copy must be a separate module instance');

    const closed = new second.StoreClosedError();
    assert.equal(closed instanceof StoreClosedError, false);
    assert.equal(isEventfoldError(closed), true);
    assert.equal(isStoreClosedError(closed), true);
    assert.equal(isNotFoundError(closed), false);

    const invalid = new second.ValidationError('bad', [{ field: '/x', message: 'is required' }]);
    assert.equal(isValidationError(invalid), true);
    assert.deepEqual(invalid.details, [{ field: '/x', message: 'is required' }]);

    // And the other way round: the copy's guards know this copy's errors.
    assert.equal(second.isValidationError(new ValidationError('bad')), true);
    assert.equal(second.isConcurrencyError(new ConcurrencyError('s', 'no-stream', 3)), true);
  });
});

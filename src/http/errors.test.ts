import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ErrorCode,
  ErrorCodes,
  EventfoldError,
  InternalError,
  RejectedError,
  StoreClosedError,
  ValidationError,
} from 'eventfold';
import { createHttpServer, toErrorAnswer } from 'eventfold/http';

describe('HTTP error answers', () => {
  it('give every catalogue code a 4xx or 5xx status and echo the code', () => {
    for (const code of Object.values(ErrorCodes) as ErrorCode[]) {
      if (code === 'REJECTED') continue; // answered with the rejection's reason, below
      const { status, body } = toErrorAnswer(new EventfoldError(code, `a ${code} error`));
      assert.ok(status >= 400 && status < 600, `${code}: ${status}`);
      assert.equal(body.error.code, code);
    }
  });

  it('answer a rejection with its reason as the code', () => {
    const { status, body } = toErrorAnswer(new RejectedError('TRUCK_OCCUPIED', 'the truck carries S1'));
    assert.deepEqual(
      [status, body.error.code, body.error.message],
      [409, 'TRUCK_OCCUPIED', 'the truck carries S1'],
    );
  });

  it('keep the message of a broken invariant to the server', () => {
    const { status, body } = toErrorAnswer(new InternalError('append_batch returned no result'));
    assert.deepEqual(
      [status, body.error.code, body.error.message],
      [500, 'INTERNAL', 'internal server error'],
    );
    assert.equal(toErrorAnswer(new Error('a driver detail')).body.error.message, 'internal server error');
  });

  it('answer a closed store (or projection ownership) with 503', () => {
    const { status, body } = toErrorAnswer(new StoreClosedError('projection ownership is closed'));
    assert.deepEqual([status, body.error.code], [503, 'STORE_CLOSED']);
  });

  it('map an error of a second copy of the package by its code', () => {
    // What a second copy's ValidationError looks like from here: another class with the same brand.
    const foreign = Object.defineProperty(
      Object.assign(new Error('bad input'), { code: 'VALIDATION', details: [] }),
      Symbol.for('eventfold.error'),
      { value: true },
    );
    assert.equal(foreign instanceof ValidationError, false);
    assert.equal(toErrorAnswer(foreign).status, 400);
    assert.equal(toErrorAnswer(foreign).body.error.code, 'VALIDATION');
  });

  it("rename Fastify's other refusals to BAD_REQUEST, and let an application's own code pass", () => {
    const fastify = Object.assign(new Error("'/x/%zz' is not a valid url component"), {
      code: 'FST_ERR_BAD_URL',
      statusCode: 400,
    });
    assert.deepEqual(
      [toErrorAnswer(fastify).status, toErrorAnswer(fastify).body.error.code],
      [400, 'BAD_REQUEST'],
    );
    const own = Object.assign(new Error('sign in first'), { code: 'SIGN_IN_REQUIRED', statusCode: 401 });
    assert.deepEqual(
      [toErrorAnswer(own).status, toErrorAnswer(own).body.error.code],
      [401, 'SIGN_IN_REQUIRED'],
    );
  });

  it('answer a malformed URL in the contract shape, although Fastify refuses it before routing', async () => {
    const app = createHttpServer({ docs: false });
    app.get('/items/:id', async () => ({ ok: true }));
    try {
      const response = await app.inject({ method: 'GET', url: '/items/%zz' });
      assert.equal(response.statusCode, 400);
      const body = response.json() as { error: { code: string; details: unknown[] } };
      assert.equal(body.error.code, 'BAD_REQUEST');
      assert.deepEqual(body.error.details, []);
    } finally {
      await app.close();
    }
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { CommandQueue, EventStore } from 'eventfold';
import { createCommandQueue, createMemoryCommandLog, createMemoryStore, preCheckWhenIdle } from 'eventfold';
import { commandRoute, commandStatusRoute, createHttpServer, type HttpServer } from 'eventfold/http';
import { addCommand, counterStream } from '../queue/counter.test-support.js';

interface Fixture {
  readonly app: HttpServer;
  readonly queue: CommandQueue;
  readonly store: EventStore;
  readonly closed: string[];
}

const build = async (): Promise<Fixture> => {
  const store = createMemoryStore();
  const log = createMemoryCommandLog({ store });
  const add = addCommand(preCheckWhenIdle);
  const queue = createCommandQueue({ store, log, commands: [add] });
  const closed: string[] = [];
  const app = createHttpServer({
    bodyLimit: 1024,
    openapi: { title: 'Counters' },
    onClose: [
      async () => {
        await queue.stop();
        closed.push('queue');
      },
      async () => {
        await store.close();
        closed.push('store');
      },
    ],
  });
  commandRoute(app, queue, {
    url: '/counters',
    body: Type.Object({ amount: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
    command: add,
    toCommand: ({ body }) => ({ counterId: randomUUID(), amount: body.amount }),
    response: (record) => ({ counterId: record.data.counterId ?? null }),
    summary: 'Creates a counter',
  });
  commandRoute(app, queue, {
    url: '/counters/:counterId/add',
    params: Type.Object({ counterId: Type.String({ minLength: 1 }) }),
    body: Type.Object(
      { amount: Type.Integer({ minimum: 1 }), note: Type.Optional(Type.String({ maxLength: 50 })) },
      { additionalProperties: false },
    ),
    command: add,
    toCommand: ({ params, body }) => ({ counterId: params.counterId, amount: body.amount }),
  });
  commandRoute(app, queue, {
    url: '/counters/:counterId/add-unchecked',
    params: Type.Object({ counterId: Type.String({ minLength: 1 }) }),
    // No additionalProperties here on purpose: the route helper makes object schemas strict.
    body: Type.Object({
      amount: Type.Integer({ minimum: 1 }),
      meta: Type.Optional(Type.Object({ by: Type.String() })),
    }),
    command: add,
    toCommand: ({ params, body }) => ({ counterId: params.counterId, amount: body.amount }),
    enqueue: { preCheck: false },
  });
  commandStatusRoute(app, queue);
  await queue.start();
  return { app, queue, store, closed };
};

const post = (app: HttpServer, url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('HTTP conventions (eventfold/http)', () => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await build();
  });
  afterEach(async () => {
    await fixture.app.close();
  });

  const expectError = (
    response: { statusCode: number; json: () => unknown },
    status: number,
    code: string,
  ): { field: string; message: string }[] => {
    assert.equal(response.statusCode, status);
    const body = response.json() as { error: { code: string; message: string; details: [] } };
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.message, 'string');
    assert.ok(Array.isArray(body.error.details));
    return body.error.details;
  };

  it('accepts a command with 202, its id, a Location and extra fields', async () => {
    const response = await post(fixture.app, '/counters', { amount: 3 });
    assert.equal(response.statusCode, 202);
    const body = response.json();
    assert.equal(body.status, 'accepted');
    assert.equal(typeof body.commandId, 'string');
    assert.equal(typeof body.counterId, 'string');
    assert.equal(response.headers.location, `/commands/${body.commandId}`);
    const done = await fixture.queue.waitFor(body.commandId, 5000);
    assert.equal(done?.status, 'succeeded');
    assert.equal((await fixture.store.readStream(counterStream(body.counterId))).length, 1);
  });

  it('stamps the command id and the caller correlation id on the events', async () => {
    const response = await post(
      fixture.app,
      '/counters/c9/add?wait=true',
      { amount: 1 },
      { 'x-correlation-id': 'corr-1' },
    );
    assert.equal(response.statusCode, 200);
    const [event] = await fixture.store.readStream(counterStream('c9'));
    assert.equal(event?.metadata.commandId, response.json().commandId);
    assert.equal(event?.metadata.correlationId, 'corr-1');
  });

  it('refuses an unknown field, naming it', async () => {
    const details = expectError(
      await post(fixture.app, '/counters/c1/add', { amount: 1, colour: 'red' }),
      400,
      'VALIDATION',
    );
    assert.deepEqual(details, [{ field: '/colour', message: 'is not an allowed field' }]);
  });

  it('refuses unknown fields even where a schema forgot additionalProperties, nested ones too', async () => {
    const details = expectError(
      await post(fixture.app, '/counters/c1/add-unchecked', {
        amount: 1,
        extra: 1,
        meta: { by: 'me', x: 2 },
      }),
      400,
      'VALIDATION',
    );
    assert.deepEqual(new Set(details.map((detail) => detail.field)), new Set(['/extra', '/meta/x']));
  });

  it('refuses a wrong-typed field instead of coercing it', async () => {
    const details = expectError(
      await post(fixture.app, '/counters/c1/add', { amount: '5' }),
      400,
      'VALIDATION',
    );
    assert.deepEqual(
      details.map((detail) => detail.field),
      ['/amount'],
    );
  });

  it('refuses a missing field, and an absent body reports the missing fields', async () => {
    const missing = expectError(await post(fixture.app, '/counters/c1/add', {}), 400, 'VALIDATION');
    assert.deepEqual(missing, [{ field: '/amount', message: 'is required' }]);
    const absent = expectError(
      await fixture.app.inject({ method: 'POST', url: '/counters/c1/add' }),
      400,
      'VALIDATION',
    );
    assert.deepEqual(
      absent.map((detail) => detail.field),
      ['/amount'],
    );
  });

  it('lists every offending field at once', async () => {
    const details = expectError(
      await post(fixture.app, '/counters/c1/add', { note: 7, colour: 'red', size: 1 }),
      400,
      'VALIDATION',
    );
    assert.deepEqual(
      new Set(details.map((detail) => detail.field)),
      new Set(['/amount', '/note', '/colour', '/size']),
    );
  });

  it('refuses a body that is not JSON, or not declared as JSON', async () => {
    const broken = await fixture.app.inject({
      method: 'POST',
      url: '/counters/c1/add',
      payload: '{"amount": 1',
      headers: { 'content-type': 'application/json' },
    });
    expectError(broken, 400, 'INVALID_JSON');
    const text = await fixture.app.inject({
      method: 'POST',
      url: '/counters/c1/add',
      payload: 'amount=1',
      headers: { 'content-type': 'text/csv' },
    });
    expectError(text, 400, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body over the size limit with 400', async () => {
    const response = await post(fixture.app, '/counters/c1/add', { amount: 1, note: 'x'.repeat(2000) });
    expectError(response, 400, 'BODY_TOO_LARGE');
  });

  it('answers a repeated Idempotency-Key with the same command, applied once', async () => {
    const headers = { 'idempotency-key': 'key-1' };
    const first = await post(fixture.app, '/counters', { amount: 2 }, headers);
    const second = await post(fixture.app, '/counters', { amount: 2 }, headers);
    assert.deepEqual([first.statusCode, second.statusCode], [202, 202]);
    assert.equal(second.json().commandId, first.json().commandId);
    assert.equal(second.json().counterId, first.json().counterId, 'generated ids are answered again');
    const waited = await post(fixture.app, '/counters?wait=true', { amount: 2 }, headers);
    assert.equal(waited.statusCode, 200);
    assert.equal(waited.json().commandId, first.json().commandId);
    assert.equal((await fixture.store.readAll()).length, 1);
  });

  it('refuses an Idempotency-Key reused with another body with 422', async () => {
    const headers = { 'idempotency-key': 'key-2' };
    await post(fixture.app, '/counters/c1/add', { amount: 2 }, headers);
    const other = await post(fixture.app, '/counters/c1/add', { amount: 3 }, headers);
    expectError(other, 422, 'IDEMPOTENCY_MISMATCH');
    const otherPath = await post(fixture.app, '/counters/c2/add', { amount: 2 }, headers);
    expectError(otherPath, 422, 'IDEMPOTENCY_MISMATCH');
  });

  it('?wait=true answers 200 succeeded, or 409 rejected with the error', async () => {
    const ok = await post(fixture.app, '/counters/c1/add?wait=true', { amount: 60 });
    assert.equal(ok.statusCode, 200);
    assert.equal(ok.json().status, 'succeeded');
    assert.equal(typeof ok.json().result.position, 'number', 'the outcome tells where its events landed');
    assert.equal(typeof ok.json().processedAt, 'string');
    // Without a pre-check the decider itself rejects it once processed.
    const late = await post(fixture.app, '/counters/c1/add-unchecked?wait=true', { amount: 50 });
    assert.equal(late.statusCode, 409);
    const body = late.json();
    assert.equal(body.status, 'rejected');
    assert.equal(body.error.code, 'LIMIT_EXCEEDED');
    assert.equal(typeof body.error.message, 'string');
    assert.deepEqual(body.error.details, []);
  });

  it('refuses a certain rejection at once with 409 through the pre-check', async () => {
    await post(fixture.app, '/counters/c1/add?wait=true', { amount: 100 });
    const response = await post(fixture.app, '/counters/c1/add', { amount: 1 });
    expectError(response, 409, 'LIMIT_EXCEEDED');
  });

  it('GET /commands/:id tells the status, 404 for an unknown id', async () => {
    const accepted = (await post(fixture.app, '/counters/c1/add?wait=true', { amount: 1 })).json();
    const status = await fixture.app.inject({ method: 'GET', url: `/commands/${accepted.commandId}` });
    assert.equal(status.statusCode, 200);
    assert.equal(status.json().commandId, accepted.commandId);
    assert.equal(status.json().status, 'succeeded');
    expectError(await fixture.app.inject({ method: 'GET', url: '/commands/nope' }), 404, 'NOT_FOUND');
  });

  it('answers unknown routes with 404 in the same shape', async () => {
    expectError(await fixture.app.inject({ method: 'GET', url: '/nowhere' }), 404, 'NOT_FOUND');
    expectError(await post(fixture.app, '/counters/c1/nothing', {}), 404, 'NOT_FOUND');
  });

  it('serves health and the OpenAPI document', async () => {
    assert.equal((await fixture.app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    const docs = await fixture.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(docs.statusCode, 200);
    const paths = Object.keys(docs.json().paths);
    assert.ok(paths.includes('/counters/{counterId}/add'));
    assert.ok(paths.includes('/commands/{commandId}'));
    assert.equal((await fixture.app.inject({ method: 'GET', url: '/docs' })).statusCode < 400, true);
  });

  it('close() stops the queue, then closes the store', async () => {
    await fixture.app.close();
    assert.deepEqual(fixture.closed, ['queue', 'store']);
    fixture = await build();
  });
});

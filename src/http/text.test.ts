// Text no store can carry (NUL, lone surrogates, invalid UTF-8) is a 400 naming each field, before
// any command is recorded; valid non-ASCII text passes unchanged.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import type { CommandQueue } from 'eventfold';
import { createCommandQueue, createMemoryCommandLog, createMemoryStore } from 'eventfold';
import { commandRoute, createHttpServer, type HttpServer } from 'eventfold/http';
import { addCommand } from '../queue/counter.test-support.js';

interface Fixture {
  readonly app: HttpServer;
  readonly queue: CommandQueue;
  /** Every command the route built: empty when the request was refused before the handler. */
  readonly built: string[];
}

const build = (): Fixture => {
  const store = createMemoryStore();
  const log = createMemoryCommandLog({ store });
  const add = addCommand();
  const queue = createCommandQueue({ store, log, commands: [add] });
  const built: string[] = [];
  const app = createHttpServer({ onClose: [queue.stop, store.close] });
  commandRoute(app, queue, {
    url: '/counters/:counterId/add',
    params: Type.Object({ counterId: Type.String({ minLength: 1 }) }),
    body: Type.Object({
      amount: Type.Integer({ minimum: 1 }),
      note: Type.Optional(Type.String()),
      labels: Type.Optional(Type.Array(Type.String())),
    }),
    command: add,
    toCommand: ({ params, body }) => {
      built.push(params.counterId);
      return { counterId: params.counterId, amount: body.amount };
    },
  });
  return { app, queue, built };
};

interface ErrorAnswer {
  readonly error: { code: string; message: string; details: { field: string; message: string }[] };
}

const refusedFields = (response: { statusCode: number; body: string }): string[] => {
  assert.equal(response.statusCode, 400, response.body);
  const { error } = JSON.parse(response.body) as ErrorAnswer;
  assert.equal(error.code, 'VALIDATION');
  assert.equal(typeof error.message, 'string');
  for (const detail of error.details) assert.equal(typeof detail.message, 'string');
  return error.details.map((detail) => detail.field);
};

describe('http: text a store cannot carry', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = build();
  });
  afterEach(() => fixture.app.close());

  const post = (url: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    fixture.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('a NUL in a body field is a 400 naming the field, and no command is built', async () => {
    const response = await post('/counters/c1/add', JSON.stringify({ amount: 1, note: 'A\u0000' }));
    assert.deepEqual(refusedFields(response), ['/note']);
    assert.deepEqual(fixture.built, []);
  });

  it('a lone surrogate (a JSON escape) is a 400; every offending field is named once', async () => {
    const body = '{"amount":1,"note":"x\\ud800","labels":["ok","\\udc00y","\\u0000"]}';
    const response = await post('/counters/c1/add', body);
    assert.deepEqual(refusedFields(response), ['/note', '/labels/1', '/labels/2']);
    assert.deepEqual(fixture.built, []);
  });

  it('a NUL in an object key is named too', async () => {
    const response = await post('/counters/c1/add', '{"amount":1,"no\\u0000te":"x"}');
    assert.ok(refusedFields(response).includes('/no\uFFFDte'));
    assert.deepEqual(fixture.built, []);
  });

  it('a body that is not valid UTF-8 is a 400, not a silent U+FFFD', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"amount":1,"note":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    assert.deepEqual(refusedFields(await post('/counters/c1/add', bytes)), ['(body)']);
    // An encoded lone surrogate (CESU-style ED A0 80) is not UTF-8 either.
    const cesu = Buffer.concat([
      Buffer.from('{"amount":1,"note":"'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]);
    assert.deepEqual(refusedFields(await post('/counters/c1/add', cesu)), ['(body)']);
    assert.deepEqual(fixture.built, []);
  });

  it('a NUL in a path parameter or a query value is a 400 naming it', async () => {
    const body = JSON.stringify({ amount: 1 });
    assert.deepEqual(refusedFields(await post('/counters/c%001/add', body)), ['(params)/counterId']);
    assert.deepEqual(refusedFields(await post('/counters/c1/add?trace=%00', body)), ['(query)/trace']);
    assert.deepEqual(refusedFields(await post('/counters/c1/add?trace=%FF', body)), ['(query)']);
    // A path that is not valid UTF-8 never reaches routing: Fastify refuses it, in the error shape.
    const badPath = await post('/counters/%ED%A0%80/add', body);
    assert.equal(badPath.statusCode, 400);
    assert.equal(typeof (JSON.parse(badPath.body) as ErrorAnswer).error.code, 'string');
    assert.deepEqual(fixture.built, []);
  });

  it('valid non-ASCII text passes unchanged, with the strict parser in place', async () => {
    const note = 'Zürich 🚚 東京';
    const response = await post('/counters/c%C3%BC/add', JSON.stringify({ amount: 2, note }));
    assert.equal(response.statusCode, 202, response.body);
    assert.deepEqual(fixture.built, ['cü']);
  });

  it('invalid JSON and an empty body keep their own answers', async () => {
    const broken = await post('/counters/c1/add', '{"amount":');
    assert.equal(broken.statusCode, 400);
    assert.equal((JSON.parse(broken.body) as ErrorAnswer).error.code, 'INVALID_JSON');
    const poisoned = await post('/counters/c1/add', '{"amount":1,"__proto__":{"x":1}}');
    assert.equal(poisoned.statusCode, 400);
  });
});

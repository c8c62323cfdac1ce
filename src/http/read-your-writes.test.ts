import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import {
  type CommandLog,
  type CommandQueue,
  createCommandQueue,
  createMemoryCommandLog,
  createMemoryStore,
  createMemoryTarget,
  type EventStore,
  type MemoryProjectionContext,
  type ProjectionHandle,
  type Projector,
  startProjection,
} from 'eventfold';
import {
  commandRoute,
  commandStatusRoute,
  createHttpServer,
  type HttpServer,
  readYourWrites,
} from 'eventfold/http';
import { type AddedEvent, addCommand, counterStream } from '../queue/counter.test-support.js';

type Totals = Record<string, number>;

interface Fixture {
  readonly app: HttpServer;
  readonly store: EventStore;
  readonly log: CommandLog;
  readonly queue: CommandQueue;
  readonly projection: ProjectionHandle;
  /** Delayed starts of the workers (`startSoon`), awaited before the queue stops. */
  readonly starts: Promise<void>[];
}

/**
 * A counter service: commands queued through a real queue, a projection of totals, and two reads
 * (one counter, all counters) that wait for earlier writes through `readYourWrites`. The projection
 * is slowed down so that a read that did not wait would see the old totals.
 */
const build = (options: { readonly waitMs?: number } = {}): Fixture => {
  const store = createMemoryStore();
  const log = createMemoryCommandLog({ store });
  const add = addCommand();
  const queue = createCommandQueue({ store, log, commands: [add] });
  const target = createMemoryTarget((): Totals => ({}));
  const starts: Promise<void>[] = [];
  const totals: Projector<MemoryProjectionContext<Totals>, AddedEvent> = {
    name: 'totals',
    types: ['Added'],
    apply: async (ctx, events) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (const event of events) ctx.state[event.streamId] = event.data.total;
    },
    reset: (ctx) => {
      ctx.state = {};
    },
  };
  const projection = startProjection({ store, target, projector: totals });

  const app = createHttpServer({
    onClose: [
      () => projection.stop(),
      async () => {
        await Promise.all(starts);
        await queue.stop();
      },
      () => store.close(),
    ],
  });
  commandRoute(app, queue, {
    url: '/counters/:counterId/add',
    params: Type.Object({ counterId: Type.String({ minLength: 1 }) }),
    body: Type.Object({ amount: Type.Integer({ minimum: 1 }) }),
    command: add,
    toCommand: ({ params, body }) => ({ counterId: params.counterId, amount: body.amount }),
  });
  commandStatusRoute(app, queue);
  const consistency = readYourWrites({ queue, store, ...options });
  app.get<{ Params: { counterId: string } }>('/counters/:counterId', async (request) => {
    const stream = counterStream(request.params.counterId);
    await consistency.beforeKeyRead(request, stream, [projection]);
    return { total: target.read()[stream] ?? 0 };
  });
  app.get('/counters', async (request) => {
    await consistency.beforeListRead(request, [projection]);
    return { totals: target.read() };
  });
  return { app, store, log, queue, projection, starts };
};

/**
 * Starts the workers a little after the read arrives, so a read that did not wait sees nothing.
 * The fixture's close waits for it, so workers never start after the queue was stopped.
 */
const startSoon = (fixture: Fixture): void => {
  fixture.starts.push(
    new Promise<void>((resolve) => setTimeout(resolve, 50)).then(() => fixture.queue.start()),
  );
};

describe('readYourWrites', () => {
  let fixture: Fixture;
  beforeEach(() => {
    // Generous: the suite runs beside others on two cores, and a bounded wait that runs out would
    // answer with what it has, which these tests would take for a missed write.
    fixture = build({ waitMs: 15_000 });
  });
  afterEach(() => fixture.app.close());

  const post = (counterId: string, amount: number) =>
    fixture.app.inject({ method: 'POST', url: `/counters/${counterId}/add`, payload: { amount } });

  it('a read of one key reflects the commands accepted for it (202, not waited for)', async () => {
    for (const amount of [1, 2, 3]) assert.equal((await post('a', amount)).statusCode, 202);
    // The workers start after the read arrives: only waiting for the key's commands shows all three.
    startSoon(fixture);
    const answer = await fixture.app.inject({ method: 'GET', url: '/counters/a' });
    assert.deepEqual(answer.json(), { total: 6 });
  });

  it('a list read reflects every command this node accepted before it', async () => {
    for (const id of ['x', 'y', 'z']) await post(id, 5);
    startSoon(fixture);
    const answer = await fixture.app.inject({ method: 'GET', url: '/counters' });
    assert.deepEqual(answer.json().totals, {
      [counterStream('x')]: 5,
      [counterStream('y')]: 5,
      [counterStream('z')]: 5,
    });
  });

  it('waits for the commands a client names, accepted on another node', async () => {
    // The other node records the command and never processes it; this node's workers do, so its
    // own `drained()` knows nothing of it: only the client's header makes the read wait.
    const otherNode = createCommandQueue({
      store: fixture.store,
      log: fixture.log,
      commands: [addCommand()],
    });
    const { record } = await otherNode.enqueue({ type: 'Add', data: { counterId: 'n', amount: 7 } });
    startSoon(fixture);
    const answer = await fixture.app.inject({
      method: 'GET',
      url: '/counters',
      headers: { 'eventfold-after-commands': ` ${record.commandId} , unknown-id` },
    });
    assert.equal(answer.json().totals[counterStream('n')], 7);
  });

  it('waits for the position a client names', async () => {
    const appended = await fixture.store.append(counterStream('p'), [
      { type: 'Added', data: { amount: 4, total: 4 } },
    ]);
    const answer = await fixture.app.inject({
      method: 'GET',
      url: '/counters/p',
      headers: { 'eventfold-position': String(appended.position) },
    });
    assert.deepEqual(answer.json(), { total: 4 });
  });

  it('a succeeded command answers with Eventfold-Position, which a read accepts back', async () => {
    await fixture.queue.start();
    const waited = await fixture.app.inject({
      method: 'POST',
      url: '/counters/h/add?wait=true',
      payload: { amount: 2 },
    });
    assert.equal(waited.statusCode, 200);
    const position = waited.headers['eventfold-position'];
    assert.equal(position, String(waited.json().result.position));
    const status = await fixture.app.inject({ method: 'GET', url: `/commands/${waited.json().commandId}` });
    assert.equal(status.headers['eventfold-position'], position);
    const read = await fixture.app.inject({
      method: 'GET',
      url: '/counters/h',
      headers: { 'eventfold-position': String(position) },
    });
    assert.deepEqual(read.json(), { total: 2 });
    const accepted = await post('h', 1);
    assert.equal(accepted.headers['eventfold-position'], undefined, 'no position before the command ran');
  });

  it('ignores a malformed token instead of failing the read', async () => {
    const answer = await fixture.app.inject({
      method: 'GET',
      url: '/counters/q',
      headers: { 'eventfold-position': 'soon', 'eventfold-after-commands': ',,,' },
    });
    assert.equal(answer.statusCode, 200);
    assert.deepEqual(answer.json(), { total: 0 });
  });
});

describe('readYourWrites bounds', () => {
  it('answers after waitMs with what it has when the writes never land', async () => {
    const fixture = build({ waitMs: 100 });
    try {
      // The workers never start: the accepted command stays queued.
      await fixture.app.inject({ method: 'POST', url: '/counters/s/add', payload: { amount: 1 } });
      const started = Date.now();
      const answer = await fixture.app.inject({ method: 'GET', url: '/counters/s' });
      assert.deepEqual(answer.json(), { total: 0 });
      assert.ok(Date.now() - started < 2_000, 'the wait is bounded by waitMs');
    } finally {
      await fixture.app.close();
    }
  });
});

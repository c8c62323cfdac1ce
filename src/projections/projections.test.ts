import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  catchUpProjection,
  createMemoryStore,
  createMemoryTarget,
  type EventStore,
  type MemoryProjectionContext,
  type Projector,
  rebuildProjection,
  startProjection,
} from 'eventfold';
import { pino } from 'pino';

interface Tally {
  readonly perStream: Record<string, number>;
  readonly applied: number;
}
const emptyTally = (): Tally => ({ perStream: {}, applied: 0 });

/** Counts Incremented events per stream; throws on an event marked `poison` (after touching the state). */
const tally = (overrides: Partial<Projector<MemoryProjectionContext<Tally>>> = {}) =>
  ({
    name: 'tally',
    filter: { types: ['Incremented'] },
    apply: (ctx, events) => {
      for (const event of events) {
        const perStream = ctx.state.perStream as Record<string, number>;
        perStream[event.streamId] = (perStream[event.streamId] ?? 0) + 1;
        ctx.state = { perStream, applied: ctx.state.applied + 1 };
        if (event.data.poison === true) throw new Error(`poisoned at ${event.position}`);
      }
    },
    reset: (ctx) => {
      ctx.state = emptyTally();
    },
    ...overrides,
  }) satisfies Projector<MemoryProjectionContext<Tally>>;

const seed = async (store: EventStore, count: number): Promise<number> => {
  let position = 0;
  for (let index = 0; index < count; index += 1) {
    const result = await store.append(`s-${index % 3}`, [
      { type: 'Incremented', data: { index } },
      { type: 'Noise', data: {} },
    ]);
    position = result.position;
  }
  return position;
};

const silent = pino({ level: 'silent' });

describe('projections (memory target)', () => {
  it('catches up, follows live, and waitForPosition gives read-your-writes', async () => {
    const store = createMemoryStore();
    await seed(store, 5);
    const target = createMemoryTarget(emptyTally);
    const projection = startProjection({ store, projector: tally(), target, batchSize: 3, logger: silent });
    const { position } = await store.append('s-9', [{ type: 'Incremented', data: {} }]);
    assert.equal(await projection.waitForPosition(position), true);
    assert.deepEqual(target.read(), { perStream: { 's-0': 2, 's-1': 2, 's-2': 1, 's-9': 1 }, applied: 6 });
    assert.deepEqual(await projection.lag(), { checkpoint: position, head: position, behind: 0 });
    await projection.stop();
    await projection.done;
  });

  it('waitForPosition resolves past events the filter skips, and false on timeout', async () => {
    const store = createMemoryStore();
    const target = createMemoryTarget(emptyTally);
    const projection = startProjection({ store, projector: tally(), target, logger: silent });
    const { position } = await store.append('other', [{ type: 'Noise', data: {} }]);
    assert.equal(await projection.waitForPosition(position), true);
    assert.equal(target.read().applied, 0);
    assert.equal(await projection.waitForPosition(position + 10, 20), false);
    await projection.stop();
  });

  it('lag shows how far behind a stopped projection is', async () => {
    const store = createMemoryStore();
    const target = createMemoryTarget(emptyTally);
    const first = startProjection({ store, projector: tally(), target, logger: silent });
    await first.waitForPosition(await seed(store, 2));
    await first.stop();
    const head = await seed(store, 3);
    const second = startProjection({ store, projector: tally(), target, logger: silent });
    await second.waitForPosition(head);
    assert.deepEqual(await second.lag(), { checkpoint: head, head, behind: 0 });
    await second.stop();
    assert.equal(target.read().applied, 5, 'resumed from its checkpoint: nothing applied twice');
  });

  it('a projector throwing mid-batch stops it with a log and rolls back the whole batch with its checkpoint', async () => {
    const store = createMemoryStore();
    await seed(store, 4); // positions 1..8, Incremented at odd positions
    const target = createMemoryTarget(emptyTally);
    const lines: { level: number; msg: string; projection?: string; err?: { message: string } }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const first = startProjection({ store, projector: tally(), target, batchSize: 4, logger: log });
    await first.waitForPosition(8);
    // The next batch (positions 9..12) holds a good event, then a poisoned one.
    await store.append('s-0', [
      { type: 'Incremented', data: {} },
      { type: 'Incremented', data: { poison: true } },
      { type: 'Incremented', data: {} },
    ]);
    await assert.rejects(first.done, /poisoned at 10/);
    await assert.rejects(first.waitForPosition(11), /poisoned at 10/);
    assert.deepEqual(target.read(), { perStream: { 's-0': 2, 's-1': 1, 's-2': 1 }, applied: 4 });
    assert.equal(await target.readCheckpoint('tally').then((checkpoint) => checkpoint?.position), 8);
    const failure = lines.find((line) => line.level === 50);
    assert.equal(failure?.projection, 'tally');
    assert.equal(failure?.err?.message, 'poisoned at 10');

    // Fixed projector: restarts from the checkpoint; the first event of the failed batch counts once.
    const fixed = tally({
      apply: (ctx, events) =>
        tally().apply(
          ctx,
          events.map((event) => ({ ...event, data: {} })),
        ),
    });
    const second = startProjection({ store, projector: fixed, target, logger: silent });
    assert.equal(await second.waitForPosition(11), true);
    assert.deepEqual(target.read(), { perStream: { 's-0': 5, 's-1': 1, 's-2': 1 }, applied: 7 });
    await second.stop();
  });

  it('rebuild produces the same read model, reporting progress', async () => {
    const store = createMemoryStore();
    const head = await seed(store, 10);
    const original = createMemoryTarget(emptyTally);
    const live = startProjection({
      store,
      projector: tally(),
      target: original,
      batchSize: 4,
      logger: silent,
    });
    await live.waitForPosition(head);
    await live.stop();
    const before = structuredClone(original.read());
    const progress: { position: number; head: number }[] = [];
    const last = await rebuildProjection({
      store,
      projector: tally(),
      target: original,
      batchSize: 8,
      onProgress: (step) => progress.push(step),
      logger: silent,
    });
    assert.equal(last, head);
    assert.deepEqual(original.read(), before);
    assert.deepEqual(progress, [
      { position: 0, head },
      { position: 8, head },
      { position: 16, head },
      { position: 20, head },
    ]);
  });

  it('a new projector version resets and replays on start', async () => {
    const store = createMemoryStore();
    const head = await seed(store, 3);
    const target = createMemoryTarget(emptyTally);
    const v1 = startProjection({ store, projector: tally(), target, logger: silent });
    await v1.waitForPosition(head);
    await v1.stop();
    const v2 = startProjection({ store, projector: tally({ version: 2 }), target, logger: silent });
    await v2.waitForPosition(head);
    await v2.stop();
    assert.equal(target.read().applied, 3);
    assert.deepEqual(await target.readCheckpoint('tally'), { position: head, version: 2 });
  });

  it('with restart, a transient failure restarts from the checkpoint and applies the failed batch once', async () => {
    const store = createMemoryStore();
    const head = await seed(store, 4);
    const target = createMemoryTarget(emptyTally);
    const warnings: { msg: string; attempt: number }[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => warnings.push(JSON.parse(line)) });
    let failures = 2;
    const flaky = tally({
      apply: (ctx, events) => {
        tally().apply(ctx, events);
        if (failures > 0 && events.some((event) => event.position === 5)) {
          failures -= 1;
          throw new Error('database busy');
        }
      },
    });
    const projection = startProjection({
      store,
      projector: flaky,
      target,
      batchSize: 2,
      logger: log,
      restart: { maxAttempts: 2, delayMs: 1 },
    });
    assert.equal(await projection.waitForPosition(head), true);
    assert.equal(target.read().applied, 4, 'every event applied exactly once');
    assert.deepEqual(
      warnings.map((line) => line.attempt),
      [1, 2],
    );
    await projection.stop();
    await projection.done;
  });

  it('after stop, waitForPosition answers false at once', async () => {
    const store = createMemoryStore();
    const projection = startProjection({
      store,
      projector: tally(),
      target: createMemoryTarget(emptyTally),
      logger: silent,
    });
    await projection.stop();
    assert.equal(await projection.waitForPosition(1, 60_000), false);
  });

  it('catchUpProjection applies what is new since the checkpoint, once', async () => {
    const store = createMemoryStore();
    const target = createMemoryTarget(emptyTally);
    const first = await seed(store, 3);
    assert.equal(await catchUpProjection({ store, projector: tally(), target, batchSize: 2 }), first);
    const second = await seed(store, 2);
    assert.equal(await catchUpProjection({ store, projector: tally(), target }), second);
    assert.equal(target.read().applied, 5);
    assert.deepEqual(await target.readCheckpoint('tally'), { position: second, version: 1 });
  });

  it('a memory target checkpoint is a compare-and-set: a batch at or below it is skipped', async () => {
    const target = createMemoryTarget(emptyTally);
    const count = (ctx: MemoryProjectionContext<Tally>) => {
      ctx.state = { ...ctx.state, applied: ctx.state.applied + 1 };
    };
    await target.transact('tally', count, { position: 2, version: 1 });
    await Promise.all([
      target.transact('tally', count, { position: 4, version: 1 }),
      target.transact('tally', count, { position: 4, version: 1 }),
      target.transact('tally', count, { position: 3, version: 1 }),
    ]);
    assert.equal(target.read().applied, 2);
    await target.transact('tally', count, { position: 0, version: 1 });
    assert.equal(target.read().applied, 3, 'a reset (position 0) always runs');
  });
});

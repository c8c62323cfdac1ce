import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isIdempotencyMismatchError,
  isRejectedError,
  isValidationError,
  NotFoundError,
  RejectedError,
} from 'eventfold';
import { commandWorkHandler, preCheckWhenIdle } from '../commands/queued.js';
import {
  type AddCommand,
  add,
  addCommand,
  type Backend,
  backends,
  counterStream,
} from './counter.test-support.js';
import { createQueueEngine } from './engine.js';
import type { CommandRecord, QueueEngineOptions, WorkHandler } from './types.js';

const queueOn = (backend: Backend, options: Partial<QueueEngineOptions> = {}) =>
  createQueueEngine({
    log: backend.log,
    handlers: [commandWorkHandler(backend.store, addCommand())],
    backoffMs: 5,
    ...options,
  });

const waitAll = async (queue: ReturnType<typeof queueOn>, records: readonly CommandRecord[]) =>
  Promise.all(records.map((record) => queue.waitFor(record.commandId, 10_000)));

/**
 * A work handler around `Add` whose `process` runs `before` first (to inject failures or delays)
 * and `after` between deciding and committing (to inject a racing writer).
 */
const wrappedAdd = (
  store: Backend['store'],
  before: (command: AddCommand, call: number) => Promise<void>,
  after: (call: number) => Promise<void> = async () => undefined,
): WorkHandler => {
  const inner = commandWorkHandler(store, addCommand());
  let calls = 0;
  return {
    ...inner,
    process: async (item) => {
      calls += 1;
      const call = calls;
      await before({ type: 'Add', data: item.data as AddCommand['data'] }, call);
      const outcome = await inner.process(item);
      await after(call);
      return outcome;
    },
  };
};

for (const { name, open } of backends) {
  describe(`command queue (${name})`, () => {
    it('processes each key in arrival order, keys side by side, events stamped with the command', async () => {
      const backend = await open();
      const queue = queueOn(backend, { concurrency: 3 });
      try {
        const records: CommandRecord[] = [];
        for (let index = 0; index < 15; index += 1)
          for (const key of ['a', 'b', 'c', 'd']) records.push((await queue.enqueue(add(key, 1))).record);
        await queue.start();
        const outcomes = await waitAll(queue, records);
        assert.ok(outcomes.every((outcome) => outcome?.status === 'succeeded'));
        for (const key of ['a', 'b', 'c', 'd']) {
          const events = await backend.store.readStream(counterStream(key));
          assert.deepEqual(
            events.map((event) => event.data.total),
            Array.from({ length: 15 }, (_, index) => index + 1),
          );
          const expected = records
            .filter((record) => record.partitionKey === counterStream(key))
            .map((r) => r.commandId);
          assert.deepEqual(
            events.map((event) => event.metadata.commandId),
            expected,
            'events follow arrival order',
          );
          assert.deepEqual(
            events.map((event) => event.id),
            expected.map((id) => `${id}/0`),
          );
        }
        const first = outcomes[0] as CommandRecord;
        assert.equal(first.result?.streamId, counterStream('a'));
        assert.equal(typeof first.result?.position, 'number');
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('yielding to the accept path never holds a backlog once accepting goes quiet', async () => {
      const backend = await open();
      // One worker and a yield far longer than the test: only the end of the burst can release it.
      const queue = queueOn(backend, { concurrency: 1, yieldToAcceptMs: 600_000 });
      try {
        await queue.start();
        const records: CommandRecord[] = [];
        for (let index = 0; index < 12; index += 1)
          records.push((await queue.enqueue(add(`k${index % 6}`, 1))).record);
        const outcomes = await waitAll(queue, records);
        assert.ok(outcomes.every((outcome) => outcome?.status === 'succeeded'));
        for (let key = 0; key < 6; key += 1)
          assert.deepEqual(
            (await backend.store.readStream(counterStream(`k${key}`))).map((event) => event.data.total),
            [1, 2],
          );
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('records a rejection as the final outcome with the rejection code', async () => {
      const backend = await open();
      const queue = queueOn(backend);
      try {
        await queue.start();
        const fine = await queue.enqueue(add('a', 90));
        const tooMuch = await queue.enqueue(add('a', 20));
        assert.equal((await queue.waitFor(fine.record.commandId, 10_000))?.status, 'succeeded');
        const rejected = await queue.waitFor(tooMuch.record.commandId, 10_000);
        assert.equal(rejected?.status, 'rejected');
        assert.equal(rejected?.error?.code, 'LIMIT_EXCEEDED');
        assert.equal((await backend.store.readStream(counterStream('a'))).length, 1);
        assert.equal((await queue.status(tooMuch.record.commandId))?.status, 'rejected');
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('waitFor answers the accepted record on timeout and undefined for an unknown id', async () => {
      const backend = await open();
      const queue = queueOn(backend);
      try {
        const { record } = await queue.enqueue(add('a', 1));
        assert.equal((await queue.waitFor(record.commandId, 20))?.status, 'accepted');
        assert.equal(await queue.waitFor('unknown', 20), undefined);
        const waiting = queue.waitFor(record.commandId, 10_000);
        await queue.start();
        assert.equal((await waiting)?.status, 'succeeded');
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('decides again on fresh state when another writer wins the race', async () => {
      const backend = await open();
      // Another writer appends to the counter after every decision's read: the first attempts
      // conflict, the command must be decided again on the new total, never lost or doubled.
      const racing = wrappedAdd(
        backend.store,
        async () => undefined,
        async (call) => {
          if (call <= 2)
            await backend.store.append(counterStream('a'), [
              { type: 'Added', data: { amount: 10, total: 10 * call } },
            ]);
        },
      );
      const queue = queueOn(backend, { handlers: [racing] });
      try {
        await queue.start();
        const { record } = await queue.enqueue(add('a', 5));
        const outcome = await queue.waitFor(record.commandId, 10_000);
        assert.equal(outcome?.status, 'succeeded');
        const events = await backend.store.readStream(counterStream('a'));
        assert.deepEqual(
          events.map((event) => event.data.total),
          [10, 20, 25],
        );
        assert.equal(outcome?.attempts, 0, 'conflicts are not failures');
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('retries unexpected errors with backoff, then marks the command failed and goes on', async () => {
      const backend = await open();
      const flaky = wrappedAdd(backend.store, async (command, call) => {
        if (command.data.amount === 13) throw new Error('always broken');
        if (call <= 2) throw new Error(`transient ${call}`);
      });
      const queue = queueOn(backend, { handlers: [flaky], maxAttempts: 3 });
      try {
        await queue.start();
        const transient = await queue.enqueue(add('a', 1));
        const broken = await queue.enqueue(add('a', 13));
        const after = await queue.enqueue(add('a', 2));
        const [ok, failed, next] = await waitAll(queue, [transient.record, broken.record, after.record]);
        assert.deepEqual([ok?.status, ok?.attempts], ['succeeded', 2]);
        assert.equal(failed?.status, 'failed');
        assert.equal(failed?.error?.code, 'PROCESSING_ERROR');
        assert.equal(failed?.error?.message, 'always broken');
        assert.equal(next?.status, 'succeeded', 'a failed command does not block its key');
        const events = await backend.store.readStream(counterStream('a'));
        assert.deepEqual(
          events.map((event) => event.data.total),
          [1, 3],
        );
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('takes a typed refusal thrown by a handler as a final rejection, without retries', async () => {
      const backend = await open();
      const refusing = wrappedAdd(backend.store, async (command) => {
        if (command.data.amount === 7) throw new RejectedError('UNLUCKY', 'seven is refused');
        if (command.data.amount === 8) throw new NotFoundError('counter');
      });
      const queue = queueOn(backend, { handlers: [refusing] });
      try {
        await queue.start();
        const seven = await queue.enqueue(add('a', 7));
        const eight = await queue.enqueue(add('a', 8));
        const [rejected, missing] = await waitAll(queue, [seven.record, eight.record]);
        assert.deepEqual(
          [rejected?.status, rejected?.error?.code, rejected?.attempts],
          ['rejected', 'UNLUCKY', 0],
        );
        assert.deepEqual([missing?.status, missing?.error?.code], ['rejected', 'NOT_FOUND']);
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('runs at most one command per key and at most `concurrency` keys at once', async () => {
      const backend = await open();
      const running = new Map<string, number>();
      let maxTotal = 0;
      let maxPerKey = 0;
      const tracked = wrappedAdd(backend.store, async (command) => {
        const key = command.data.counterId;
        running.set(key, (running.get(key) ?? 0) + 1);
        const total = [...running.values()].reduce((sum, value) => sum + value, 0);
        maxTotal = Math.max(maxTotal, total);
        maxPerKey = Math.max(maxPerKey, running.get(key) ?? 0);
        await sleep(2);
        running.set(key, (running.get(key) ?? 1) - 1);
      });
      const queue = queueOn(backend, { handlers: [tracked], concurrency: 3 });
      try {
        const records: CommandRecord[] = [];
        for (let index = 0; index < 4; index += 1)
          for (const key of ['a', 'b', 'c', 'd', 'e'])
            records.push((await queue.enqueue(add(key, 1))).record);
        await queue.start();
        await waitAll(queue, records);
        assert.equal(maxPerKey, 1);
        assert.equal(maxTotal, 3);
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('stop() lets the command in flight commit its outcome', async () => {
      const backend = await open();
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered: () => void = () => undefined;
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const slow = wrappedAdd(backend.store, async () => {
        entered();
        await gate;
      });
      const queue = queueOn(backend, { handlers: [slow] });
      try {
        await queue.start();
        const { record } = await queue.enqueue(add('a', 1));
        await inside;
        const stopping = queue.stop();
        release();
        await stopping;
        assert.equal((await queue.status(record.commandId))?.status, 'succeeded');
      } finally {
        await backend.dispose();
      }
    });

    it('processes commands left accepted by an earlier run when started again', async () => {
      let backend = await open();
      try {
        const first = queueOn(backend);
        const records = [
          (await first.enqueue(add('a', 1))).record,
          (await first.enqueue(add('b', 2))).record,
        ];
        backend = await backend.reopen();
        const second = queueOn(backend);
        await second.start();
        const outcomes = await waitAll(second, records);
        await second.stop();
        assert.deepEqual(
          outcomes.map((outcome) => outcome?.status),
          ['succeeded', 'succeeded'],
        );
      } finally {
        await backend.dispose();
      }
    });

    it('dedupes by Idempotency-Key, even after the command finished, and refuses another body', async () => {
      const backend = await open();
      const queue = queueOn(backend, {
        handlers: [commandWorkHandler(backend.store, addCommand(preCheckWhenIdle))],
      });
      try {
        await queue.start();
        const first = await queue.enqueue(add('a', 100), { idempotencyKey: 'k1', fingerprint: 'f1' });
        await queue.waitFor(first.record.commandId, 10_000);
        // The pre-check would now refuse it (the counter is full): a repeat still answers the first.
        const repeat = await queue.enqueue(add('a', 100), { idempotencyKey: 'k1', fingerprint: 'f1' });
        assert.deepEqual([repeat.duplicate, repeat.record.commandId], [true, first.record.commandId]);
        await assert.rejects(
          queue.enqueue(add('a', 1), { idempotencyKey: 'k1', fingerprint: 'f2' }),
          isIdempotencyMismatchError,
        );
        assert.equal((await backend.store.readStream(counterStream('a'))).length, 1);
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('reacts at once to commands enqueued or finished by another process when the log notifies', async () => {
      const backend = await open();
      const listeners = new Set<() => void>();
      const log = {
        ...backend.log,
        onForeignChange: (listener: () => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
      const notify = () => {
        for (const listener of listeners) listener();
      };
      // Polling is effectively off: only the notification can wake the workers and the waiter.
      const queue = createQueueEngine({
        log,
        handlers: [commandWorkHandler(backend.store, addCommand())],
        pollIntervalMs: 600_000,
      });
      try {
        await queue.start();
        await queue.waitFor((await queue.enqueue(add('a', 1))).record.commandId, 5_000);
        // "Another process" writes straight into the log.
        await log.enqueue({ commandId: 'foreign', partitionKey: counterStream('b'), command: add('b', 1) });
        await log.enqueue({ commandId: 'elsewhere', partitionKey: 'elsewhere', command: add('c', 1) });
        const waiting = queue.waitFor('elsewhere', 5_000);
        await log.complete('elsewhere', {
          status: 'rejected',
          error: { code: 'X', message: 'x', details: [] },
        });
        notify();
        assert.equal((await waiting)?.status, 'rejected');
        assert.equal((await queue.waitFor('foreign', 5_000))?.status, 'succeeded');
        await queue.stop();
        assert.equal(listeners.size, 0, 'stop unsubscribes');
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('records one command for racing requests under the same Idempotency-Key', async () => {
      const backend = await open();
      const queue = queueOn(backend);
      try {
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            queue.enqueue(add('a', 1), { idempotencyKey: 'race', fingerprint: 'f' }),
          ),
        );
        const ids = new Set(results.map((result) => result.record.commandId));
        assert.equal(ids.size, 1);
        assert.equal(results.filter((result) => !result.duplicate).length, 1);
        await queue.start();
        await queue.waitFor([...ids][0] as string, 5_000);
        assert.equal((await backend.store.readStream(counterStream('a'))).length, 1);
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('pre-check refuses a certain rejection at once and lets commands behind pending ones through', async () => {
      const backend = await open();
      const queue = queueOn(backend, {
        handlers: [commandWorkHandler(backend.store, addCommand(preCheckWhenIdle))],
      });
      try {
        await queue.start();
        const full = await queue.enqueue(add('a', 100));
        await queue.waitFor(full.record.commandId, 10_000);
        await assert.rejects(
          queue.enqueue(add('a', 1), { commandId: 'refused' }),
          (error: unknown) => isRejectedError(error) && error.reason === 'LIMIT_EXCEEDED',
        );
        assert.equal(await queue.status('refused'), undefined, 'a refused command is not recorded');
        await queue.stop();
        // With a command waiting before it, the outcome is not certain: it is accepted.
        await queue.enqueue(add('b', 1));
        const behind = await queue.enqueue(add('b', 100));
        assert.equal(behind.record.status, 'accepted');
        await assert.rejects(queue.enqueue({ type: 'Nope', data: {} }), isValidationError);
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });
  });
}

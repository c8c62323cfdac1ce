import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConcurrencyError, isIdempotencyMismatchError, isValidationError } from '../../../core/errors.js';
import type { CommandOutcome, EnqueueInput } from '../../../queue/types.js';
import { add, type CommandLogContractBackend, counterStream } from './support.js';

export type { CommandLogContractBackend, CommandLogContractHandle } from './support.js';

const succeeded = (
  counterId: string,
  amount: number,
  expectedRevision: number | 'no-stream' | 'any',
): CommandOutcome => ({
  status: 'succeeded',
  result: {},
  append: {
    streamId: counterStream(counterId),
    events: [{ type: 'Added', data: { amount, total: amount } }],
    options: { expectedRevision },
  },
});

/**
 * Declares the contract every `CommandLog` adapter passes, as node:test `describe` blocks: order,
 * dedupe by id and idempotency key, per-key offers, outcomes committed with their events, attempts,
 * and a restart. Call it at the top level of a `*.test.ts` file; each test gets its own log:
 *
 *   describeCommandLogContract({
 *     name: 'my-log',
 *     create: async () => {
 *       const store = createMyStore();
 *       const log = createMyCommandLog({ store });
 *       return { store, log, reopen: ..., dispose: () => dropMyData() };
 *     },
 *   });
 */
export const describeCommandLogContract = (adapter: CommandLogContractBackend): void => {
  describe(`command log contract: ${adapter.name}`, () => {
    it('records a command as accepted, in arrival order, findable by id and key', async () => {
      const backend = await adapter.create();
      try {
        const first = await backend.log.enqueue({ commandId: 'c1', partitionKey: 'a', command: add('a', 1) });
        const second = await backend.log.enqueue({
          commandId: 'c2',
          partitionKey: 'a',
          command: add('a', 2),
          idempotencyKey: 'k2',
          metadata: { actor: 'tester' },
        });
        assert.equal(first.duplicate, false);
        assert.equal(first.record.status, 'accepted');
        assert.ok(second.record.seq > first.record.seq);
        assert.deepEqual(second.record.data, { counterId: 'a', amount: 2 });
        assert.equal(second.record.metadata.actor, 'tester');
        assert.equal((await backend.log.findByIdempotencyKey('k2'))?.commandId, 'c2');
        assert.equal((await backend.log.get('c1'))?.type, 'Add');
        assert.equal(await backend.log.get('nope'), undefined);
        assert.equal(await backend.log.countPending('a'), 2);
        assert.equal(await backend.log.countPending('a', second.record.seq), 1);
      } finally {
        await backend.dispose();
      }
    });

    it('refuses text no store can carry, naming the field, and records nothing', async () => {
      const backend = await adapter.create();
      try {
        const good = { commandId: 'c1', partitionKey: 'a', command: add('a', 1) };
        const bad: ReadonlyArray<[string, EnqueueInput]> = [
          ['commandId', { ...good, commandId: 'c\u0000' }],
          ['partitionKey', { ...good, partitionKey: 'a\uD800' }],
          ['idempotencyKey', { ...good, idempotencyKey: 'k\u0000' }],
          ['command/type', { ...good, command: { type: 'Add\u0000', data: {} } }],
          ['command/data/note', { ...good, command: { type: 'Add', data: { note: 'x\uDC00' } } }],
          ['metadata/actor', { ...good, metadata: { actor: '\uD800' } }],
        ];
        for (const [field, input] of bad)
          await assert.rejects(
            // Some logs validate before their first await and throw synchronously: either is a refusal.
            Promise.resolve().then(() => backend.log.enqueue(input)),
            (error: unknown) =>
              isValidationError(error) && error.details.some((detail) => detail.field === field),
            field,
          );
        assert.equal(await backend.log.countPending('a'), 0);
        assert.equal(await backend.log.get('c1'), undefined);
        // Inside data a NUL is JSON text every log keeps exactly, as the event stores do.
        const kept = await backend.log.enqueue({
          ...good,
          command: { type: 'Add', data: { note: 'a\u0000b' } },
        });
        assert.deepEqual((await backend.log.get(kept.record.commandId))?.data, { note: 'a\u0000b' });
      } finally {
        await backend.dispose();
      }
    });

    it('dedupes by command id and by idempotency key; another request under them is a typed error', async () => {
      const backend = await adapter.create();
      try {
        const input = { commandId: 'c1', partitionKey: 'a', command: add('a', 1), idempotencyKey: 'k' };
        await backend.log.enqueue(input);
        const { idempotencyKey: _key, ...withoutKey } = input;
        const byId = await backend.log.enqueue(withoutKey);
        assert.equal(byId.duplicate, true);
        const byKey = await backend.log.enqueue({ ...input, commandId: 'c-other' });
        assert.deepEqual([byKey.duplicate, byKey.record.commandId], [true, 'c1']);
        await assert.rejects(
          backend.log.enqueue({ ...input, commandId: 'c-3', command: add('a', 9) }),
          (error: unknown) => isIdempotencyMismatchError(error) && error.commandId === 'c1',
        );
        await assert.rejects(
          backend.log.enqueue({ commandId: 'c1', partitionKey: 'a', command: add('a', 9) }),
          isIdempotencyMismatchError,
        );
        assert.equal(await backend.log.get('c-other'), undefined);
        assert.equal(await backend.log.countPending('a'), 1);
      } finally {
        await backend.dispose();
      }
    });

    it('offers the oldest accepted command of each key, skipping excluded keys', async () => {
      const backend = await adapter.create();
      try {
        for (const [id, key] of [
          ['1', 'a'],
          ['2', 'b'],
          ['3', 'a'],
          ['4', 'c'],
        ] as const)
          await backend.log.enqueue({ commandId: id, partitionKey: key, command: add(key, 1) });
        const lease = await backend.log.acquire('me');
        const partitions = lease.partitions();
        const ids = async (exclude: string[], limit = 10) =>
          (await backend.log.next({ partitions, excludeKeys: new Set(exclude), limit })).map(
            (r) => r.commandId,
          );
        assert.deepEqual(await ids([]), ['1', '2', '4']);
        assert.deepEqual(await ids(['a']), ['2', '4']);
        assert.deepEqual(await ids([], 2), ['1', '2']);
        await backend.log.complete('1', {
          status: 'rejected',
          error: { code: 'X', message: 'x', details: [] },
        });
        assert.deepEqual(await ids([]), ['2', '3', '4']);
        assert.deepEqual(
          await backend.log.next({ partitions: [], excludeKeys: new Set(), limit: 10 }),
          [],
          'no partition owned, nothing offered',
        );
        await lease.release();
      } finally {
        await backend.dispose();
      }
    });

    it('stores events and outcome together, and never applies a finished command again', async () => {
      const backend = await adapter.create();
      try {
        await backend.log.enqueue({ commandId: 'c1', partitionKey: 'a', command: add('a', 5) });
        const done = await backend.log.complete('c1', succeeded('a', 5, 'no-stream'));
        assert.equal(done.applied, true);
        assert.equal(done.record.status, 'succeeded');
        assert.equal(done.record.result?.position, done.append?.position);
        assert.ok(done.record.processedAt);
        const again = await backend.log.complete('c1', succeeded('a', 5, 'any'));
        assert.equal(again.applied, false);
        assert.equal((await backend.store.readStream(counterStream('a'))).length, 1);
      } finally {
        await backend.dispose();
      }
    });

    it('rolls the outcome back with a conflicting append: the command stays accepted', async () => {
      const backend = await adapter.create();
      try {
        await backend.log.enqueue({ commandId: 'c1', partitionKey: 'a', command: add('a', 5) });
        await backend.store.append(counterStream('a'), [{ type: 'Added', data: { amount: 1, total: 1 } }]);
        await assert.rejects(backend.log.complete('c1', succeeded('a', 5, 'no-stream')), isConcurrencyError);
        assert.equal((await backend.log.get('c1'))?.status, 'accepted');
        assert.equal((await backend.store.readStream(counterStream('a'))).length, 1);
        const lease = await backend.log.acquire('me');
        const ready = await backend.log.next({
          partitions: lease.partitions(),
          excludeKeys: new Set(),
          limit: 5,
        });
        assert.deepEqual(
          ready.map((r) => r.commandId),
          ['c1'],
        );
      } finally {
        await backend.dispose();
      }
    });

    it('counts failed attempts and keeps the command accepted until it is marked failed', async () => {
      const backend = await adapter.create();
      try {
        await backend.log.enqueue({ commandId: 'c1', partitionKey: 'a', command: add('a', 5) });
        const error = { code: 'BOOM', message: 'boom', details: [] };
        const after = await backend.log.recordAttempt('c1', error);
        assert.deepEqual([after?.status, after?.attempts, after?.error], ['accepted', 1, error]);
        const failed = await backend.log.complete('c1', { status: 'failed', error });
        assert.equal(failed.record.status, 'failed');
        assert.equal(
          (await backend.log.recordAttempt('c1', error))?.attempts,
          1,
          'final commands stay as they are',
        );
      } finally {
        await backend.dispose();
      }
    });

    it('keeps accepted commands and outcomes across a reopen', async () => {
      let backend = await adapter.create();
      try {
        await backend.log.enqueue({
          commandId: 'c1',
          partitionKey: 'a',
          command: add('a', 5),
          idempotencyKey: 'k',
        });
        await backend.log.enqueue({ commandId: 'c2', partitionKey: 'a', command: add('a', 6) });
        await backend.log.complete('c1', succeeded('a', 5, 'no-stream'));
        backend = await backend.reopen();
        assert.equal((await backend.log.get('c1'))?.status, 'succeeded');
        assert.equal((await backend.log.findByIdempotencyKey('k'))?.commandId, 'c1');
        const lease = await backend.log.acquire('me');
        const ready = await backend.log.next({
          partitions: lease.partitions(),
          excludeKeys: new Set(),
          limit: 5,
        });
        assert.deepEqual(
          ready.map((r) => r.commandId),
          ['c2'],
        );
        const third = await backend.log.enqueue({ commandId: 'c3', partitionKey: 'b', command: add('b', 1) });
        assert.ok(third.record.seq > (ready[0]?.seq ?? 0));
      } finally {
        await backend.dispose();
      }
    });
  });
};

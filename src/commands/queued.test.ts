import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createCommandQueue,
  createMemoryCommandLog,
  createMemoryStore,
  defineCommand,
  isNotFoundError,
  NotFoundError,
  type PreCheckContext,
} from 'eventfold';
import { type AddCommand, add, counter, counterStream } from '../queue/counter.test-support.js';

/** Refuses a command on a counter whose stream does not exist yet, asking only `exists`. */
const requireCounter = async (command: AddCommand, context: PreCheckContext): Promise<void> => {
  if (!(await context.exists(counterStream(command.data.counterId))))
    throw new NotFoundError('counter', `counter ${command.data.counterId} does not exist`);
};

const open = () => {
  const store = createMemoryStore();
  const log = createMemoryCommandLog({ store });
  const create = defineCommand({
    type: 'Add',
    decider: counter,
    streamId: (command: AddCommand) => counterStream(command.data.counterId),
  });
  return { store, log, create };
};

describe('createCommandQueue (command definitions on the queue engine)', () => {
  it('stamps each event once: id from the command id, the recorded metadata, the runtime ids on top', async () => {
    const { store, log, create } = open();
    const queue = createCommandQueue({ store, log, commands: [create] });
    try {
      await queue.start();
      const { record } = await queue.enqueue(add('a', 2), {
        commandId: 'cmd-1',
        metadata: { correlationId: 'req-9', actor: 'dana', tenant: 'north' },
      });
      assert.equal((await queue.waitFor(record.commandId, 5_000))?.status, 'succeeded');
      const [event] = await store.readStream(counterStream('a'));
      assert.equal(event?.id, 'cmd-1/0');
      assert.deepEqual(event?.metadata, {
        tenant: 'north',
        commandId: 'cmd-1',
        correlationId: 'req-9',
        causationId: 'cmd-1',
        actor: 'dana',
      });
    } finally {
      await queue.stop();
      await store.close();
    }
  });

  it("a definition's pre-check asks exists(streamId): 404 for a missing stream, accepted once it exists", async () => {
    const { store, log, create } = open();
    const addExisting = defineCommand({
      type: 'AddExisting',
      decider: {
        ...counter,
        decide: (command: { type: 'AddExisting'; data: AddCommand['data'] }, state) =>
          counter.decide({ type: 'Add', data: command.data }, state),
      },
      streamId: (command: { type: 'AddExisting'; data: AddCommand['data'] }) =>
        counterStream(command.data.counterId),
      preCheck: (command, context) => requireCounter({ type: 'Add', data: command.data }, context),
    });
    const queue = createCommandQueue({ store, log, commands: [create, addExisting] });
    try {
      await queue.start();
      await assert.rejects(
        queue.enqueue({ type: 'AddExisting', data: { counterId: 'b', amount: 1 } }, { commandId: 'early' }),
        isNotFoundError,
      );
      assert.equal(await queue.status('early'), undefined, 'a refused command is not recorded');
      const first = await queue.enqueue(add('b', 1));
      await queue.waitFor(first.record.commandId, 5_000);
      const later = await queue.enqueue({ type: 'AddExisting', data: { counterId: 'b', amount: 1 } });
      assert.equal((await queue.waitFor(later.record.commandId, 5_000))?.status, 'succeeded');
      assert.deepEqual(
        (await store.readStream(counterStream('b'))).map((event) => event.data.total),
        [1, 2],
      );
    } finally {
      await queue.stop();
      await store.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCommandQueue } from 'eventfold';
import { add, addCommand, backends, counterStream } from './counter.test-support.js';

for (const { name, open } of backends)
  describe(`queue completion signals (${name})`, () => {
    it('settled(key) waits for every queued command of that key and only that key', async () => {
      const backend = await open();
      const queue = createCommandQueue({ store: backend.store, log: backend.log, commands: [addCommand()] });
      try {
        for (let index = 0; index < 5; index += 1) await queue.enqueue(add('a', 1));
        await queue.enqueue(add('b', 1));
        // Nothing runs yet: the key is not settled, and the bounded wait says so.
        assert.equal(await queue.settled(counterStream('a'), 30), false);
        await queue.start();
        assert.equal(await queue.settled(counterStream('a'), 5_000), true);
        const events = await backend.store.readStream(counterStream('a'));
        assert.equal(events.length, 5, 'every command of the key had ended when settled answered');
        assert.equal(await queue.settled('no-such-key', 0), true);
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });

    it('drained() waits for the commands accepted here before the call', async () => {
      const backend = await open();
      const queue = createCommandQueue({ store: backend.store, log: backend.log, commands: [addCommand()] });
      try {
        const accepted = [];
        for (let index = 0; index < 6; index += 1)
          accepted.push(await queue.enqueue(add(`k${index % 3}`, 1)));
        assert.equal(await queue.drained(30), false);
        await queue.start();
        assert.equal(await queue.drained(5_000), true);
        for (const { record } of accepted)
          assert.equal((await queue.status(record.commandId))?.status, 'succeeded');
        assert.equal(await queue.drained(0), true, 'nothing left to wait for');
      } finally {
        await queue.stop();
        await backend.dispose();
      }
    });
  });

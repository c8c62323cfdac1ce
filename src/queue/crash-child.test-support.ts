// Child process of crash.test.ts: `node … crash-child.test-support.ts <db-file> burst <round> <count>`
// enqueues commands while the workers process them and prints `ack <commandId>` once each enqueue
// resolved (durably committed) — the parent SIGKILLs it mid-burst. `… drain` processes every
// accepted command, prints `drained` and exits.
import { createSqliteStore } from 'eventfold/sqlite';
import { createCommandQueue } from '../commands/queued.js';
import { createSqliteCommandLog } from '../sqlite/command-log.js';
import { add, addCommand } from './counter.test-support.js';

const [path, mode, round, count] = process.argv.slice(2);
if (!path || (mode !== 'burst' && mode !== 'drain'))
  throw new Error('usage: <db-file> burst|drain [round count]');

const KEYS = 12;
const WRITERS = 8;
const store = createSqliteStore({ path });
const log = createSqliteCommandLog({ store });
const queue = createCommandQueue({ store, log, commands: [addCommand()], concurrency: 4 });
await queue.start();

if (mode === 'burst') {
  const total = Number(count);
  let next = 0;
  // Several concurrent writers, so enqueues share group commits with outcomes being written.
  const writer = async (): Promise<void> => {
    while (next < total) {
      const index = next;
      next += 1;
      const commandId = `r${round}-c${index}`;
      await queue.enqueue(add(`k${index % KEYS}`, 1), { commandId });
      process.stdout.write(`ack ${commandId}\n`);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  process.stdout.write('burst-done\n');
  // Keep processing until killed.
  await new Promise(() => undefined);
} else {
  const pending = store.database.prepare("SELECT COUNT(*) AS n FROM ef_commands WHERE status = 'accepted'");
  while ((pending.get() as { n: number }).n > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await queue.stop();
  await store.close();
  process.stdout.write('drained\n');
}

// Child process of shutdown.test.ts: serves counter commands on a SQLite file, on a free port.
// Prints `listening <port>`, and `started <commandId>` when a worker begins a command (each
// takes ~300 ms, so SIGTERM lands while commands are in flight).
import { Type } from '@sinclair/typebox';
import { closeOnSignals, commandRoute, createHttpServer } from 'eventfold/http';
import { createSqliteCommandLog, createSqliteStore } from 'eventfold/sqlite';
import { commandWorkHandler } from '../commands/queued.js';
import { addCommand } from '../queue/counter.test-support.js';
import { createQueueEngine } from '../queue/engine.js';

const path = process.argv[2];
if (!path) throw new Error('usage: server-child <db-file>');

const store = createSqliteStore({ path });
const log = createSqliteCommandLog({ store });
const add = addCommand();
const inner = commandWorkHandler(store, add);
const slow = {
  ...inner,
  process: async (item: Parameters<typeof inner.process>[0]) => {
    process.stdout.write(`started ${item.commandId}\n`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return inner.process(item);
  },
};
const queue = createQueueEngine({ log, handlers: [slow], concurrency: 2 });
const app = createHttpServer({ onClose: [queue.stop, store.close] });
commandRoute(app, queue, {
  url: '/counters/:counterId/add',
  params: Type.Object({ counterId: Type.String() }),
  body: Type.Object({ amount: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  command: add,
  toCommand: ({ params, body }) => ({ counterId: params.counterId, amount: body.amount }),
});
closeOnSignals(app);
await queue.start();
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);

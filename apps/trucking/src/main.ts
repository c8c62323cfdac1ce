// `npm start`: the Great Plains Trucking server. PORT (default 3000), DATA_DIR (default ./data),
// DATABASE_URL (PostgreSQL instead of SQLite), LOG_LEVEL (default info), SQLITE_DURABILITY
// (full | normal, default full), QUEUE_CONCURRENCY (commands processed in parallel, default 32).
import { closeOnSignals } from 'eventfold/http';
import { pino } from 'pino';
import { createTruckingApp } from './app.js';
import { backendConfigFromEnv, openBackend } from './backend.js';

const logger = pino({ name: 'great-plains-trucking', level: process.env.LOG_LEVEL ?? 'info' });
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

const backend = openBackend(backendConfigFromEnv(process.env));
const concurrency = Number(process.env.QUEUE_CONCURRENCY ?? 0);
const { server } = await createTruckingApp({
  backend,
  logger,
  ...(Number.isSafeInteger(concurrency) && concurrency > 0 ? { concurrency } : {}),
});
closeOnSignals(server);
await server.listen({ port, host });

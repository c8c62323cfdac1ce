// `npm start`: the Great Plains Trucking server. PORT (default 3000), HOST (default 0.0.0.0),
// DATA_DIR (default ./data), DATABASE_URL (PostgreSQL instead of SQLite), LOG_LEVEL (default info),
// SQLITE_DURABILITY (full | normal, default full), QUEUE_CONCURRENCY (commands processed in
// parallel, default 32).
import { closeOnSignals } from 'eventfold/http';
import { pino } from 'pino';
import { createTruckingApp } from './app.js';
import { backendConfigFromEnv, openBackend } from './backend.js';

const logger = pino({ name: 'great-plains-trucking', level: process.env.LOG_LEVEL ?? 'info' });
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
const concurrency = Number(process.env.QUEUE_CONCURRENCY ?? 0);

try {
  const backend = openBackend(backendConfigFromEnv(process.env));
  const { server } = await createTruckingApp({
    backend,
    logger,
    ...(Number.isSafeInteger(concurrency) && concurrency > 0 ? { concurrency } : {}),
  });
  // Registered before listening: a SIGTERM during startup still drains and closes the store.
  closeOnSignals(server);
  await server.listen({ port, host });
} catch (error) {
  logger.fatal({ err: error }, 'the trucking server could not start');
  process.exit(1);
}

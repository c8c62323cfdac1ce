// `npm start`: the Great Plains Trucking server. PORT (default 3000), HOST (default 0.0.0.0),
// DATA_DIR (default ./data), DATABASE_URL (PostgreSQL instead of SQLite), LOG_LEVEL (default info),
// SQLITE_DURABILITY (full | normal, default full), QUEUE_CONCURRENCY (commands processed in
// parallel, default 32); checked in config.ts. The `start` script `exec`s node, so the shell npm
// runs it in is replaced and the SIGTERM npm forwards (from a supervisor or `docker stop`) lands
// here rather than on a shell that would die and leave this process running.
import { closeOnSignals } from 'eventfold/http';
import { pino } from 'pino';
import { createTruckingApp } from './app.js';
import { openBackend } from './backend.js';
import { ConfigError, configFromEnv, type TruckingConfig } from './config.js';

/** sysexits' EX_CONFIG: a supervisor can tell a bad configuration from a crash and not restart-loop. */
const EXIT_CONFIG = 78;

const loadConfig = (): TruckingConfig => {
  try {
    return configFromEnv(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One plain line for the operator, before any logger exists (LOG_LEVEL itself may be the problem).
    process.stderr.write(`great-plains-trucking: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
};

const config = loadConfig();
const logger = pino({ name: 'great-plains-trucking', level: config.logLevel });

try {
  const backend = openBackend(config.backend);
  const { server } = await createTruckingApp({
    backend,
    logger,
    ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
  });
  // Registered before listening: a SIGTERM during startup still drains and closes the store.
  closeOnSignals(server);
  await server.listen({ port: config.port, host: config.host });
} catch (error) {
  logger.fatal({ err: error }, 'the trucking server could not start');
  process.exit(1);
}

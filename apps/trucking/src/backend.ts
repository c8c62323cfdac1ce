import { openPostgresBackend } from './backend/postgres.js';
import { openSqliteBackend } from './backend/sqlite.js';
import type { BackendConfig, TruckingBackend } from './backend/types.js';

export { openPostgresBackend, type PostgresBackendConfig } from './backend/postgres.js';
export { openSqliteBackend } from './backend/sqlite.js';
export type { BackendConfig, TruckingBackend } from './backend/types.js';

// The environment is read in config.ts, where every variable is checked; re-exported for callers here.
export { backendConfigFromEnv } from './config.js';

/** The single place the storage is chosen: PostgreSQL when `databaseUrl` is set, else SQLite. */
export const openBackend = (config: BackendConfig): TruckingBackend =>
  config.databaseUrl === undefined
    ? openSqliteBackend(config)
    : openPostgresBackend({
        connectionString: config.databaseUrl,
        ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
        ...(config.clock ? { clock: config.clock } : {}),
      });

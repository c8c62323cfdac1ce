import { openPostgresBackend } from './backend/postgres.js';
import { openSqliteBackend } from './backend/sqlite.js';
import type { BackendConfig, TruckingBackend } from './backend/types.js';

export { openPostgresBackend, type PostgresBackendConfig } from './backend/postgres.js';
export { openSqliteBackend } from './backend/sqlite.js';
export type { BackendConfig, TruckingBackend } from './backend/types.js';

/**
 * `DATA_DIR` (default `./data`), `DATABASE_URL`, `DATABASE_SCHEMA` (default `trucking`),
 * `SQLITE_DURABILITY` (`full` | `normal`).
 */
export const backendConfigFromEnv = (env: NodeJS.ProcessEnv): BackendConfig => ({
  dataDir: env.DATA_DIR ?? './data',
  ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
  ...(env.DATABASE_SCHEMA ? { databaseSchema: env.DATABASE_SCHEMA } : {}),
  ...(env.SQLITE_DURABILITY === 'normal' ? { durability: 'normal' as const } : {}),
});

/** The single place the storage is chosen: PostgreSQL when `databaseUrl` is set, else SQLite. */
export const openBackend = (config: BackendConfig): TruckingBackend =>
  config.databaseUrl === undefined
    ? openSqliteBackend(config)
    : openPostgresBackend({
        connectionString: config.databaseUrl,
        ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
        ...(config.clock ? { clock: config.clock } : {}),
      });

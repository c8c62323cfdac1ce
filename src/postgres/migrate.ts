import pg from 'pg';
import { type MigrationReport, migrate } from './schema/migrations.js';
import { schemaNames, validateSchemaName } from './sql.js';

/** Where to migrate: a connection string or an open client, and the schema (default `eventfold`). */
export interface MigratePostgresOptions {
  readonly connectionString?: string;
  readonly client?: pg.ClientBase;
  readonly schema?: string;
}

/**
 * Brings a store schema to the newest version (what `npx eventfold migrate` runs). Idempotent and
 * safe to run from several nodes at once.
 */
export const migratePostgres = async (options: MigratePostgresOptions): Promise<MigrationReport> => {
  const names = schemaNames(validateSchemaName(options.schema ?? 'eventfold'));
  if (options.client) return migrate(options.client, names);
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    return await migrate(client, names);
  } finally {
    await client.end();
  }
};

/** Test helpers for the PostgreSQL store: each test gets its own schema in database `test`, dropped at the end. */
import { randomBytes } from 'node:crypto';
import type { StoreOptions } from 'eventfold';
import { createPostgresStore, type PostgresEventStore, type PostgresStoreOptions } from 'eventfold/postgres';
import pg from 'pg';

/** The test server (override with DATABASE_URL). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name no other test (or earlier, crashed run) uses. */
export const freshSchemaName = (prefix = 'eft'): string => `${prefix}_${randomBytes(6).toString('hex')}`;

/** Runs one statement on a short-lived connection (admin work: drop schema, inspect catalogs). */
export const adminQuery = async <Row extends pg.QueryResultRow = pg.QueryResultRow>(
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
};

export const dropSchema = (schema: string): Promise<unknown> =>
  adminQuery(`drop schema if exists "${schema.replaceAll('"', '""')}" cascade`);

/** Opens stores on one fresh schema; `dispose` closes them all and drops the schema. */
export const openSchema = (options: StoreOptions & Partial<PostgresStoreOptions> = {}) => {
  const schema = options.schema ?? freshSchemaName();
  const opened: PostgresEventStore[] = [];
  const open = (extra: Partial<PostgresStoreOptions> = {}): PostgresEventStore => {
    const store = createPostgresStore({
      poolSize: 2,
      pollIntervalMs: 100,
      ...options,
      ...extra,
      schema,
      connectionString: DATABASE_URL,
    } as PostgresStoreOptions);
    opened.push(store);
    return store;
  };
  return {
    schema,
    open,
    dispose: async () => {
      for (const store of opened) await store.close();
      await dropSchema(schema);
    },
  };
};

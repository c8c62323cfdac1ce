import { randomBytes } from 'node:crypto';
import { quoteIdent } from '../postgres/sql.js';
import type { PostgresEventStore, PostgresStoreOptions } from '../postgres/store/types.js';

/** Options of `createTempPostgresStore`: where to connect, and any other store option. */
export type TempPostgresStoreOptions = Omit<PostgresStoreOptions, 'schema' | 'pool' | 'connectionString'> & {
  /** The server and database the temp schema is created in (e.g. `postgres://postgres@127.0.0.1:5432/test`). */
  readonly connectionString: string;
};

/** A PostgreSQL store on a fresh schema; `cleanup` closes it and drops the schema. */
export interface TempPostgresStore {
  readonly store: PostgresEventStore;
  /** The schema's name (unquoted), e.g. to open a second store on it as another node would. */
  readonly schema: string;
  /** Opens another store on the same schema (another node); it is closed by `cleanup` too. */
  readonly open: () => PostgresEventStore;
  readonly cleanup: () => Promise<void>;
}

/**
 * Creates a PostgreSQL store on a new schema (`ef_test_<random>`), so each test owns its data and
 * tests run in parallel; `cleanup` drops the schema with everything in it. The driver is loaded
 * lazily so importing `eventfold/testing` never requires pg.
 */
export const createTempPostgresStore = async (
  options: TempPostgresStoreOptions,
): Promise<TempPostgresStore> => {
  const { createPostgresStore } = await import('../postgres/index.js');
  const schema = `ef_test_${randomBytes(6).toString('hex')}`;
  const opened: PostgresEventStore[] = [];
  const open = (): PostgresEventStore => {
    const store = createPostgresStore({ poolSize: 2, ...options, schema });
    opened.push(store);
    return store;
  };
  const store = open();
  return {
    store,
    schema,
    open,
    cleanup: async () => {
      try {
        await store.pool.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      } finally {
        for (const each of opened) await each.close();
      }
    },
  };
};

/** Runs `work` with a store on a fresh PostgreSQL schema and always drops it, even when it throws. */
export const withTempPostgresStore = async <T>(
  options: TempPostgresStoreOptions,
  work: (temp: TempPostgresStore) => Promise<T>,
): Promise<T> => {
  const temp = await createTempPostgresStore(options);
  try {
    return await work(temp);
  } finally {
    await temp.cleanup();
  }
};

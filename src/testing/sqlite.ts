import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteEventStore, SqliteStoreOptions } from '../sqlite/store/types.js';

/** A SQLite store on a fresh file in its own temp directory; `cleanup` closes it and deletes the directory. */
export interface TempSqliteStore {
  readonly store: SqliteEventStore;
  /** The database file, e.g. to reopen it as after a restart. */
  readonly path: string;
  /** Opens another store on the same file (a restart); it is closed by `cleanup` too. */
  readonly reopen: (options?: Omit<SqliteStoreOptions, 'path'>) => Promise<SqliteEventStore>;
  readonly cleanup: () => Promise<void>;
}

/**
 * Creates a SQLite store on a new temp file (`fs.mkdtemp` under the OS temp dir), so each test owns
 * its data and tests run in parallel. Durability defaults to `normal`: tests do not need fsync.
 * The driver is loaded lazily so importing `eventfold/testing` never requires better-sqlite3.
 */
export const createTempSqliteStore = async (
  options: Omit<SqliteStoreOptions, 'path'> = {},
): Promise<TempSqliteStore> => {
  const { createSqliteStore } = await import('../sqlite/index.js');
  const directory = await mkdtemp(join(tmpdir(), 'eventfold-test-'));
  const path = join(directory, 'events.sqlite');
  const open = (extra: Omit<SqliteStoreOptions, 'path'>) =>
    createSqliteStore({ durability: 'normal', ...extra, path });
  const opened: SqliteEventStore[] = [];
  const store = open(options);
  opened.push(store);
  return {
    store,
    path,
    reopen: async (reopenOptions = options) => {
      const reopened = open(reopenOptions);
      opened.push(reopened);
      return reopened;
    },
    cleanup: async () => {
      for (const each of opened) await each.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
};

/** Runs `work` with a store on a fresh temp SQLite file and always cleans up, even when it throws. */
export const withTempSqliteStore = async <T>(
  work: (temp: TempSqliteStore) => Promise<T>,
  options: Omit<SqliteStoreOptions, 'path'> = {},
): Promise<T> => {
  const temp = await createTempSqliteStore(options);
  try {
    return await work(temp);
  } finally {
    await temp.cleanup();
  }
};

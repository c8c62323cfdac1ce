import type { Database, Statement } from 'better-sqlite3';
import type { Snapshot, SnapshotStore } from '../commands/types.js';
import type { SqliteEventStore } from './store/types.js';

const SELECT_SNAPSHOT = 'SELECT revision, version, state FROM ef_snapshots WHERE key = ?';

const UPSERT_SNAPSHOT = `
INSERT INTO ef_snapshots (key, revision, version, state) VALUES (?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, version = excluded.version, state = excluded.state`;

interface SnapshotRow {
  readonly revision: number;
  readonly version: number;
  readonly state: string;
}

interface SnapshotStatements {
  readonly select: Statement<[string], SnapshotRow>;
  readonly upsert: Statement<[string, number, number, string]>;
}

const prepared = new WeakMap<Database, SnapshotStatements>();

const statementsFor = (database: Database): SnapshotStatements => {
  const existing = prepared.get(database);
  if (existing) return existing;
  const statements: SnapshotStatements = {
    select: database.prepare<[string], SnapshotRow>(SELECT_SNAPSHOT),
    upsert: database.prepare<[string, number, number, string]>(UPSERT_SNAPSHOT),
  };
  prepared.set(database, statements);
  return statements;
};

/**
 * Snapshots in the SQLite store's own file (table `ef_snapshots`), written through the store's
 * group-committed transactions. A snapshot is a cache of a fold, so it needs no fsync ordering with
 * the events: a lost snapshot only means folding a few more events.
 */
export const createSqliteSnapshotStore = (store: SqliteEventStore): SnapshotStore => ({
  load: async (key): Promise<Snapshot | undefined> => {
    const row = statementsFor(store.database).select.get(key);
    return row && { revision: row.revision, version: row.version, state: JSON.parse(row.state) };
  },
  save: (key, snapshot) =>
    store.transaction((tx) => {
      statementsFor(tx.database).upsert.run(
        key,
        snapshot.revision,
        snapshot.version,
        JSON.stringify(snapshot.state),
      );
    }),
});

import type { Snapshot, SnapshotStore } from '../commands/types.js';
import { schemaNames } from './sql.js';
import type { PostgresEventStore } from './store/types.js';

interface SnapshotRow {
  readonly revision: string;
  readonly version: number;
  readonly state: string;
}

/**
 * Snapshots in the store's schema (table `snapshots`, migration 3), written on the store's pool. A
 * snapshot is a cache of a fold, so it needs no transaction with the events: a lost or stale one only
 * means folding a few more events, and a last-write-wins upsert is enough between nodes.
 *
 * @example
 * const snapshots = { store: createPostgresSnapshotStore(store), every: 100 };
 * await handle(store, account, command, { snapshots });
 */
export const createPostgresSnapshotStore = (store: PostgresEventStore): SnapshotStore => {
  const table = schemaNames(store.schema).snapshots;
  const select = `select revision, version, state from ${table} where key = $1`;
  const upsert = `insert into ${table} (key, revision, version, state) values ($1, $2, $3, $4)
    on conflict (key) do update set revision = excluded.revision, version = excluded.version, state = excluded.state`;
  return {
    load: async (key): Promise<Snapshot | undefined> => {
      await store.ready();
      const row = (await store.pool.query<SnapshotRow>(select, [key])).rows[0];
      return row && { revision: Number(row.revision), version: row.version, state: JSON.parse(row.state) };
    },
    save: async (key, snapshot) => {
      await store.ready();
      await store.pool.query(upsert, [
        key,
        snapshot.revision,
        snapshot.version,
        JSON.stringify(snapshot.state),
      ]);
    },
  };
};

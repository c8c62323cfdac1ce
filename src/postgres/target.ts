import type { ProjectionCheckpoint, ProjectionTarget } from '../projections/types.js';
import type { PostgresEventStore, PostgresTransaction } from './store/types.js';

/**
 * What a projector on PostgreSQL receives: the store transaction (its `query` for the read model,
 * `schema` to place tables beside the events). Everything it does commits with the checkpoint.
 */
export type PostgresProjectionContext = PostgresTransaction;

/** A projection target on the PostgreSQL store's database. */
export type PostgresTarget = ProjectionTarget<PostgresProjectionContext, Promise<void>>;

/**
 * Read models in the store's PostgreSQL database. `transact` is one `store.transaction`: the
 * projector's writes and the checkpoint upsert commit together or roll back together, so a
 * projection restarted on any node resumes exactly after the last batch whose effect is stored.
 * Two nodes running the same projection at once would both apply batches: run each on one node
 * at a time with `createPostgresProjectionOwnership`.
 */
export const createPostgresTarget = (store: PostgresEventStore): PostgresTarget => {
  const table = `"${store.schema.replaceAll('"', '""')}".projection_checkpoints`;
  return {
    // The checkpoint table comes with the store's migrations.
    setup: () => store.ready(),
    readCheckpoint: async (name): Promise<ProjectionCheckpoint | undefined> => {
      await store.ready();
      const { rows } = await store.pool.query<{ position: string; version: number }>(
        `select position, version from ${table} where name = $1`,
        [name],
      );
      const row = rows[0];
      return row ? { position: Number(row.position), version: row.version } : undefined;
    },
    transact: (name, work, checkpoint) =>
      store.transaction(async (tx) => {
        await work(tx);
        if (checkpoint)
          await tx.query(
            `insert into ${table} (name, position, version) values ($1, $2, $3)
             on conflict (name) do update set position = excluded.position, version = excluded.version`,
            [name, checkpoint.position, checkpoint.version],
          );
      }),
  };
};

import type { SqlProjectionContext } from '../projections/sql.js';
import { renderSql } from '../projections/sql.js';
import type { ProjectionCheckpoint, SqlTarget } from '../projections/types.js';
import { quoteIdent, schemaNames } from './sql.js';
import { type PostgresReader, postgresDialect, postgresReader } from './sql-dialect.js';
import type { PostgresEventStore, PostgresTransaction } from './store/types.js';

/**
 * What a projector on PostgreSQL receives: `run` for portable statements (the same projector runs
 * on SQLite) and the store transaction itself (`query`, `schema`) for PostgreSQL-only work.
 * Everything it does commits with the checkpoint.
 */
export interface PostgresProjectionContext extends PostgresTransaction, SqlProjectionContext {}

/** A projection target on the PostgreSQL store's schema; `reader` queries its read models. */
export interface PostgresTarget extends SqlTarget<PostgresProjectionContext> {
  readonly reader: PostgresReader;
}

const checkpointSql = (table: string) => ({
  lock: `select position from ${table} where name = $1 for update`,
  insertMissing: `insert into ${table} (name, position, version) values ($1, 0, $2) on conflict (name) do nothing`,
  store: `update ${table} set position = $2, version = $3 where name = $1`,
  read: `select position, version from ${table} where name = $1`,
  // Init and reset create and drop tables: two nodes starting one projection at once could both try
  // to create a table's row type, so its DDL runs one transaction at a time.
  lockDdl: 'select pg_advisory_xact_lock(hashtext($1), hashtext($2))',
});

/**
 * Locks the projection's checkpoint row until the transaction ends (creating it first when the
 * projection never ran) and returns the stored position: the read half of the compare-and-set.
 */
const lockCheckpoint = async (
  tx: PostgresTransaction,
  statements: ReturnType<typeof checkpointSql>,
  name: string,
  version: number,
): Promise<number> => {
  const locked = await tx.query<{ position: string }>(statements.lock, [name]);
  const row = locked.rows[0];
  if (row) return Number(row.position);
  await tx.query(statements.insertMissing, [name, version]);
  const inserted = await tx.query<{ position: string }>(statements.lock, [name]);
  return Number(inserted.rows[0]?.position ?? 0);
};

/**
 * The projection context of a transaction. `run` does not wait: statements are chained on the
 * transaction's connection in call order, and the projector's own `query` calls join the same chain,
 * so each is sent once the one before has answered (a pg client runs one query at a time; issuing
 * the next while one is in flight is deprecated). `settle` waits for the chain and rethrows the first
 * failure, before the checkpoint is written.
 */
const projectionContext = (tx: PostgresTransaction, schema: string) => {
  const dialect = postgresDialect(schema);
  const sent: Promise<unknown>[] = [];
  let last: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(send: () => Promise<T>): Promise<T> => {
    const result = last.then(send);
    // Observed by `settle` (or the caller of `query`); this keeps a failure from being reported as
    // unhandled meanwhile, and lets the chain go on so `settle` sees the first failure in order.
    last = result.catch(() => undefined);
    return result;
  };
  const ctx: PostgresProjectionContext = {
    ...tx,
    query: (sql, params) => inOrder(() => tx.query(sql, params)),
    run: (statement) => {
      const { text, values } = renderSql(statement, dialect);
      const result = inOrder(() => tx.query(text, values));
      result.catch(() => undefined);
      sent.push(result);
    },
  };
  const settle = async (): Promise<void> => {
    for (const result of sent) await result;
    await last;
  };
  return { ctx, settle };
};

/**
 * Read models in the store's PostgreSQL schema. `transact` is one `store.transaction`: the
 * projector's writes and the checkpoint commit together or roll back together, so a projection
 * restarted on any node resumes exactly after the last batch whose effect is stored. The checkpoint
 * is a compare-and-set under its row lock: when two nodes run one projection at once (an owner
 * that lost its lock finishing its batch, or no ownership at all), the second to lock the row finds
 * the batch applied and skips it, so no batch is ever applied twice. Run each projection on one
 * node at a time anyway (`createPostgresProjectionOwnership`) to spare the duplicate reads.
 */
export const createPostgresTarget = (store: PostgresEventStore): PostgresTarget => {
  const statements = checkpointSql(schemaNames(store.schema).checkpoints);
  const ddlKey = `eventfold:projection-ddl:${quoteIdent(store.schema)}`;
  return {
    // The checkpoint table comes with the store's migrations.
    setup: () => store.ready(),
    readCheckpoint: async (name): Promise<ProjectionCheckpoint | undefined> => {
      await store.ready();
      const { rows } = await store.pool.query<{ position: string; version: number }>(statements.read, [name]);
      const row = rows[0];
      return row ? { position: Number(row.position), version: row.version } : undefined;
    },
    transact: (name, work, checkpoint) =>
      store.transaction(async (tx) => {
        const resets = checkpoint === undefined || checkpoint.position === 0;
        if (resets) await tx.query(statements.lockDdl, [ddlKey, name]);
        if (checkpoint) {
          const stored = await lockCheckpoint(tx, statements, name, checkpoint.version);
          if (checkpoint.position > 0 && stored >= checkpoint.position) return;
        }
        const { ctx, settle } = projectionContext(tx, store.schema);
        await work(ctx);
        await settle();
        if (checkpoint) await tx.query(statements.store, [name, checkpoint.position, checkpoint.version]);
      }),
    reader: postgresReader(store.pool, store.schema),
  };
};

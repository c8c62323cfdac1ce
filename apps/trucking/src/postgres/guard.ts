import type { Projector, RecordedEvent } from 'eventfold';
import type { PostgresTransaction } from 'eventfold/postgres';

/** Schema-qualified name of a trucking table beside the store's own tables. */
export const table = (schema: string, name: string): string => `${schema}.trucking_${name}`;

/** Quotes a schema name the way the store does, for queries outside a transaction. */
export const quoteSchema = (schema: string): string => `"${schema.replaceAll('"', '""')}"`;

const APPLIED_DDL = (schema: string) => `
CREATE TABLE IF NOT EXISTS ${table(schema, 'applied')} (
  projection text PRIMARY KEY,
  position bigint NOT NULL
)`;

/**
 * Serializes the read models' DDL: projections start together (and on several nodes), and two
 * concurrent `CREATE TABLE IF NOT EXISTS` of one name can both try to create its row type.
 */
export const lockDdl = async (tx: PostgresTransaction): Promise<void> => {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${tx.schema}.trucking-ddl`]);
};

/** Creates the applied-position row of a read model (idempotent). */
export const initApplied = async (tx: PostgresTransaction, projection: string): Promise<void> => {
  await lockDdl(tx);
  await tx.query(APPLIED_DDL(tx.schema));
  await tx.query(
    `INSERT INTO ${table(tx.schema, 'applied')} (projection, position) VALUES ($1, 0) ON CONFLICT DO NOTHING`,
    [projection],
  );
};

/** Sets the applied position back to 0 (in the transaction that empties the read model). */
export const resetApplied = async (tx: PostgresTransaction, projection: string): Promise<void> => {
  await initApplied(tx, projection);
  await tx.query(`UPDATE ${table(tx.schema, 'applied')} SET position = 0 WHERE projection = $1`, [
    projection,
  ]);
};

/**
 * Several application nodes share one PostgreSQL database and each runs the projections. Two of
 * them may read the same batch before either commits its checkpoint; applying it twice would
 * double an account's totals or let an old batch overwrite a newer state. So every batch first
 * locks the read model's applied-position row (the other node waits for the commit) and skips the
 * events at or below it: each event is applied exactly once, in order, whichever node gets there.
 */
export const applyOnce = async (
  tx: PostgresTransaction,
  projection: string,
  events: readonly RecordedEvent[],
  applyOne: (event: RecordedEvent) => Promise<void>,
): Promise<void> => {
  const { rows } = await tx.query<{ position: string }>(
    `SELECT position FROM ${table(tx.schema, 'applied')} WHERE projection = $1 FOR UPDATE`,
    [projection],
  );
  const applied = Number(rows[0]?.position ?? 0);
  let last = applied;
  for (const event of events) {
    if (event.position <= applied) continue;
    await applyOne(event);
    last = event.position;
  }
  if (last > applied)
    await tx.query(`UPDATE ${table(tx.schema, 'applied')} SET position = $2 WHERE projection = $1`, [
      projection,
      last,
    ]);
};

/** What differs between the trucking read models on PostgreSQL. */
export interface PostgresReadModel {
  /** The SQLite projector it mirrors: same name, version and filter, so both answer alike. */
  readonly mirrors: Pick<Projector<never, void>, 'name' | 'filter'>;
  /** CREATE statements of its tables, separated by `;`. */
  readonly ddl: (schema: string) => string;
  /** Its tables, dropped by a rebuild (dependants first). */
  readonly tables: readonly string[];
  readonly applyEvent: (tx: PostgresTransaction, event: RecordedEvent) => Promise<void>;
}

/**
 * A trucking read model on PostgreSQL: DDL serialized across nodes, each batch applied once
 * (`applyOnce`), rebuild drops and recreates its tables and resets its applied position.
 */
export const postgresReadModel = (
  model: PostgresReadModel,
): Projector<PostgresTransaction, Promise<void>> => {
  const { name, filter } = model.mirrors;
  const create = async (tx: PostgresTransaction): Promise<void> => {
    // One statement per query: a parameterised query cannot hold several.
    const statements = model
      .ddl(tx.schema)
      .split(';')
      .map((statement) => statement.trim());
    for (const statement of statements) if (statement.length > 0) await tx.query(statement);
  };
  return {
    name,
    version: 1,
    ...(filter ? { filter } : {}),
    init: async (tx) => {
      await lockDdl(tx);
      await create(tx);
      await initApplied(tx, name);
    },
    apply: (tx, events) => applyOnce(tx, name, events, (event) => model.applyEvent(tx, event)),
    reset: async (tx) => {
      await lockDdl(tx);
      for (const name of model.tables) await tx.query(`DROP TABLE IF EXISTS ${table(tx.schema, name)}`);
      await create(tx);
      await resetApplied(tx, name);
    },
  };
};

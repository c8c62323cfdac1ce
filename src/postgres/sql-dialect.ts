import type pg from 'pg';
import { renderSql, type SqlDialect, type SqlReader, type SqlStatement } from '../projections/sql.js';
import { quoteIdent } from './sql.js';

/** Portable statements on PostgreSQL: `$n` placeholders, read-model tables in the store's schema. */
export const postgresDialect = (schema: string): SqlDialect => {
  const qualified = `${quoteIdent(schema)}.`;
  return {
    placeholder: (index) => `$${index}`,
    table: (name) => qualified + quoteIdent(name),
    identifier: quoteIdent,
  };
};

/** Portable queries on the store's pool (committed read models), plus the schema they live in. */
export interface PostgresReader extends SqlReader {
  /** The schema of the read-model tables (unquoted). */
  readonly schema: string;
}

export const postgresReader = (pool: pg.Pool, schema: string): PostgresReader => {
  const dialect = postgresDialect(schema);
  const query = async <Row extends object = Record<string, unknown>>(
    statement: SqlStatement,
  ): Promise<Row[]> => {
    const { text, values } = renderSql(statement, dialect);
    return (await pool.query<Row & pg.QueryResultRow>(text, [...values])).rows;
  };
  return {
    schema,
    all: query,
    get: async <Row extends object = Record<string, unknown>>(
      statement: SqlStatement,
    ): Promise<Row | undefined> => {
      const rows: Row[] = await query<Row>(statement);
      return rows[0];
    },
  };
};

import type { Database, Statement } from 'better-sqlite3';
import { renderSql, type SqlDialect, type SqlReader, type SqlStatement } from '../projections/sql.js';
import { quoteIdent } from '../shared/identifier.js';

/** Portable statements on SQLite: `?` placeholders, read-model tables in the store's own file. */
export const sqliteDialect: SqlDialect = {
  placeholder: () => '?',
  table: quoteIdent,
  identifier: quoteIdent,
};

// Read models run the same few statements for every batch and request, and preparing is the
// expensive part of a small SQLite statement: keep them per connection, bounded in case a caller
// builds many distinct texts.
const MAX_CACHED_STATEMENTS = 256;
const cache = new WeakMap<Database, Map<string, Statement>>();

const prepared = (database: Database, text: string): Statement => {
  let statements = cache.get(database);
  if (!statements) {
    statements = new Map();
    cache.set(database, statements);
  }
  let found = statements.get(text);
  if (!found) {
    found = database.prepare(text);
    if (statements.size >= MAX_CACHED_STATEMENTS) {
      const oldest = statements.keys().next().value;
      if (oldest !== undefined) statements.delete(oldest);
    }
    statements.set(text, found);
  }
  return found;
};

/** A portable statement rendered for SQLite and prepared on the connection, with its values. */
const bound = (database: Database, statement: SqlStatement) => {
  const { text, values } = renderSql(statement, sqliteDialect);
  return { compiled: prepared(database, text), values };
};

/** Runs a portable statement on a connection, synchronously. */
export const runSqlite = (database: Database, statement: SqlStatement): void => {
  const { compiled, values } = bound(database, statement);
  compiled.run(...values);
};

/** Portable queries on a SQLite connection, plus the connection itself for SQLite-only reads. */
export interface SqliteReader extends SqlReader {
  readonly database: Database;
}

export const sqliteReader = (database: Database): SqliteReader => ({
  database,
  all: async <Row extends object = Record<string, unknown>>(statement: SqlStatement) => {
    const { compiled, values } = bound(database, statement);
    return compiled.all(...values) as Row[];
  },
  get: async <Row extends object = Record<string, unknown>>(statement: SqlStatement) => {
    const { compiled, values } = bound(database, statement);
    return compiled.get(...values) as Row | undefined;
  },
});

import type { Database, Statement } from 'better-sqlite3';

/**
 * Prepared statements cached per connection: read models run the same few statements for every
 * batch and every request, and preparing is the expensive part of a small SQLite statement.
 */
export const preparedStatements = <Name extends string>(sql: Readonly<Record<Name, string>>) => {
  const cache = new WeakMap<Database, Record<Name, Statement>>();
  return (db: Database): Record<Name, Statement> => {
    let statements = cache.get(db);
    if (!statements) {
      statements = Object.fromEntries(
        Object.entries<string>(sql).map(([name, text]) => [name, db.prepare(text)]),
      ) as Record<Name, Statement>;
      cache.set(db, statements);
    }
    return statements;
  };
};

import type { SqlProjectionContext, SqlReader } from 'eventfold';
import { type ProjectorFixture, postgresProjection, sqliteProjection } from 'eventfold/testing';

/** PostgreSQL for the trucking tests (CI starts it): 127.0.0.1:5432, user postgres, database `test`. */
const databaseUrl = process.env.TRUCKING_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The two databases a read model runs on, each a fresh fixture per spec run (a temp SQLite file, a
 * temp PostgreSQL schema), read back through the same portable query: one test covers both.
 */
export const onBothDatabases = <ReadModel>(
  read: (db: SqlReader) => Promise<ReadModel>,
): readonly (readonly [string, () => Promise<ProjectorFixture<SqlProjectionContext, ReadModel>>])[] => [
  ['SQLite', sqliteProjection(read)],
  ['PostgreSQL', postgresProjection(read, { connectionString: databaseUrl })],
];

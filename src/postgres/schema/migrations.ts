import type pg from 'pg';
import { quoteIdent, type SchemaNames } from '../sql.js';
import { v1Initial } from './v1-initial.js';
import { v2Runtime } from './v2-runtime.js';
import { v3Snapshots } from './v3-snapshots.js';

/** One schema change. Versions only grow; a released migration is never edited, a new one is added. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: (names: SchemaNames) => string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: v1Initial },
  { version: 2, name: 'runtime', sql: v2Runtime },
  { version: 3, name: 'snapshots', sql: v3Snapshots },
];

/** Version of the newest migration this library knows. */
export const LATEST_VERSION = Math.max(...MIGRATIONS.map((migration) => migration.version));

/** What `migrate` did: the schema's version before and after, and the versions it applied. */
export interface MigrationReport {
  readonly schema: string;
  readonly from: number;
  readonly to: number;
  readonly applied: readonly number[];
}

type Queryable = Pick<pg.ClientBase, 'query'>;

const currentVersion = async (client: Queryable, names: SchemaNames): Promise<number> => {
  const table = await client.query<{ table: string | null }>('select to_regclass($1)::text as table', [
    names.migrations,
  ]);
  if (!table.rows[0]?.table) return 0;
  const version = await client.query<{ version: number | null }>(
    `select max(version) as version from ${names.migrations}`,
  );
  return version.rows[0]?.version ?? 0;
};

/**
 * Brings the schema to the newest version. Idempotent, and safe when several nodes start at once:
 * they queue on a transaction-level advisory lock keyed by the schema name, and each applies only
 * the versions still missing once it holds the lock. All of it is one transaction (PostgreSQL DDL
 * is transactional), so a failed migration leaves the schema as it was.
 */
export const migrate = async (client: Queryable, names: SchemaNames): Promise<MigrationReport> => {
  // Fast path without the lock (and without needing CREATE rights) when already up to date.
  const before = await currentVersion(client, names);
  if (before >= LATEST_VERSION) return { schema: names.schema, from: before, to: before, applied: [] };
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
      'eventfold:migrate',
      names.schema,
    ]);
    await client.query(`create schema if not exists ${quoteIdent(names.schema)}`);
    await client.query(
      `create table if not exists ${names.migrations} (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`,
    );
    const from = await currentVersion(client, names);
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      await client.query(migration.sql(names));
      await client.query(`insert into ${names.migrations} (version, name) values ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query('commit');
    return { schema: names.schema, from, to: Math.max(from, LATEST_VERSION), applied };
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
};

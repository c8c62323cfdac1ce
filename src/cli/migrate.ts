import { NotFoundError } from '../core/errors.js';
import type { migratePostgres } from '../postgres/migrate.js';
import { type ParsedArgs, UsageError } from './args.js';

export const MIGRATE_USAGE = `eventfold migrate [--schema <name>] [--url <postgres url>]

Creates or upgrades the PostgreSQL event store schema. Idempotent; several nodes may run it at once.
  --schema  schema holding the store's tables (default: eventfold)
  --url     connection string (default: $DATABASE_URL)`;

const KNOWN = new Set(['schema', 'url']);

/**
 * The PostgreSQL adapter is loaded when the verb runs, not with the CLI: pg is an optional peer, so
 * `eventfold --help` works without it and a missing pg gets a sentence instead of a module error.
 */
const loadMigrate = async (): Promise<typeof migratePostgres> => {
  try {
    return (await import('../postgres/migrate.js')).migratePostgres;
  } catch (error) {
    const missing =
      (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && /'pg'/.test(String(error));
    if (missing)
      throw new NotFoundError('package pg', 'eventfold migrate needs the pg package: npm install pg');
    throw error;
  }
};

/** `eventfold migrate`: applies missing migrations and prints what it did. */
export const runMigrate = async (
  args: ParsedArgs,
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<void> => {
  const unknown = Object.keys(args.options).filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) throw new UsageError(`unknown option --${unknown[0]}`);
  if (args.positional.length > 0) throw new UsageError(`unexpected argument ${args.positional[0]}`);
  const url = args.options.url ?? env.DATABASE_URL;
  if (!url) throw new UsageError('no database: pass --url or set DATABASE_URL');
  const migrate = await loadMigrate();
  const report = await migrate({ connectionString: url, schema: args.options.schema });
  out(
    report.applied.length === 0
      ? `schema ${report.schema} is up to date (version ${report.to})`
      : `schema ${report.schema} migrated from version ${report.from} to ${report.to} (applied ${report.applied.join(', ')})`,
  );
};

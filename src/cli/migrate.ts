import { migratePostgres } from '../postgres/migrate.js';
import { type ParsedArgs, UsageError } from './args.js';

export const MIGRATE_USAGE = `eventfold migrate [--schema <name>] [--url <postgres url>]

Creates or upgrades the PostgreSQL event store schema. Idempotent; several nodes may run it at once.
  --schema  schema holding the store's tables (default: eventfold)
  --url     connection string (default: $DATABASE_URL)`;

const KNOWN = new Set(['schema', 'url']);

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
  const report = await migratePostgres({ connectionString: url, schema: args.options.schema });
  out(
    report.applied.length === 0
      ? `schema ${report.schema} is up to date (version ${report.to})`
      : `schema ${report.schema} migrated from version ${report.from} to ${report.to} (applied ${report.applied.join(', ')})`,
  );
};

// The trucking server's settings, read from the environment in this one place. A wrong value stops
// the start with a ConfigError naming the variable and what it accepts: a typo must never run the
// server on a default the operator did not choose (SQLITE_DURABILITY=ful running at `full` by
// luck, LOG_LEVEL=warnings crashing pino with a stack trace, PORT=abc listening on a random port).
import { type ErrorDetail, ValidationError } from 'eventfold';
import type { SqliteDurability } from 'eventfold/sqlite';
import type { BackendConfig } from './backend/types.js';

/** Log levels pino knows (`silent` turns logging off). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const DURABILITIES: readonly SqliteDurability[] = ['full', 'normal'];
/** PostgreSQL keeps identifiers up to NAMEDATALEN - 1 characters; the store refuses longer ones. */
const MAX_SCHEMA_LENGTH = 63;
/** Longest part of a wrong value quoted back, so a pasted blob cannot flood the one error line. */
const MAX_QUOTED = 40;

/** Everything `npm start` reads from the environment, checked. */
export interface TruckingConfig {
  /** 0 lets the system pick a free port (tests use it). */
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  /** Commands processed in parallel; absent means the app's default. */
  readonly concurrency?: number;
  readonly backend: BackendConfig;
}

/**
 * One or more environment variables hold values the server cannot use. `details` has one entry
 * per variable (`field` is its name); `message` is a single line naming them all.
 */
export class ConfigError extends ValidationError {
  constructor(details: readonly ErrorDetail[]) {
    super(`invalid configuration: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details);
  }
}

type Env = Readonly<Record<string, string | undefined>>;
/** A variable's check: its value, or the reason it is refused. */
type Parsed<T> = { readonly value: T } | { readonly problem: string };

// An empty variable counts as unset, as `PORT=${PORT}` in a compose file or unit yields when unset.
const read = (env: Env, name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

const quote = (raw: string): string =>
  JSON.stringify(raw.length > MAX_QUOTED ? `${raw.slice(0, MAX_QUOTED)}…` : raw);

const oneOf = <T extends string>(raw: string, allowed: readonly T[]): Parsed<T> =>
  (allowed as readonly string[]).includes(raw)
    ? { value: raw as T }
    : { problem: `is ${quote(raw)}; allowed: ${allowed.join(', ')}` };

const parsePort = (raw: string): Parsed<number> => {
  const port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  return port <= 65535
    ? { value: port }
    : { problem: `is ${quote(raw)}; allowed: an integer from 0 to 65535` };
};

const parsePositiveInteger = (raw: string): Parsed<number> => {
  const value = /^[1-9]\d*$/.test(raw) ? Number(raw) : Number.NaN;
  return Number.isSafeInteger(value)
    ? { value }
    : { problem: `is ${quote(raw)}; allowed: a positive integer (1, 2, …)` };
};

// The value is not quoted back: a connection string usually carries a password.
const parseDatabaseUrl = (raw: string): Parsed<string> => {
  const problem = { problem: 'is not a URL; allowed: postgres://user:password@host:port/database' };
  if (!URL.canParse(raw)) return problem;
  const { protocol } = new URL(raw);
  return protocol === 'postgres:' || protocol === 'postgresql:' ? { value: raw } : problem;
};

const parseSchema = (raw: string): Parsed<string> =>
  raw.length <= MAX_SCHEMA_LENGTH
    ? { value: raw }
    : {
        problem: `is too long; allowed: a PostgreSQL schema name of at most ${MAX_SCHEMA_LENGTH} characters`,
      };

/** Collects the problems of every variable, so one start reports them all at once. */
const collector = (env: Env) => {
  const problems: ErrorDetail[] = [];
  const get = <T>(name: string, parse: (raw: string) => Parsed<T>): T | undefined => {
    const raw = read(env, name);
    if (raw === undefined) return undefined;
    const parsed = parse(raw);
    if ('problem' in parsed) {
      problems.push({ field: name, message: parsed.problem });
      return undefined;
    }
    return parsed.value;
  };
  const done = (): void => {
    if (problems.length > 0) throw new ConfigError(problems);
  };
  return { get, done };
};

/**
 * `DATA_DIR` (default `./data`), `DATABASE_URL` (PostgreSQL instead of SQLite), `DATABASE_SCHEMA`
 * (default `trucking`), `SQLITE_DURABILITY` (`full` | `normal`, default `full`).
 * @throws ConfigError when a value is not one of those.
 */
export const backendConfigFromEnv = (env: Env): BackendConfig => {
  const { get, done } = collector(env);
  const config = backendFields(get, env);
  done();
  return config;
};

const backendFields = (get: ReturnType<typeof collector>['get'], env: Env): BackendConfig => {
  const databaseUrl = get('DATABASE_URL', parseDatabaseUrl);
  const databaseSchema = get('DATABASE_SCHEMA', parseSchema);
  const durability = get('SQLITE_DURABILITY', (raw) => oneOf(raw, DURABILITIES));
  return {
    dataDir: read(env, 'DATA_DIR') ?? './data',
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(databaseSchema ? { databaseSchema } : {}),
    ...(durability ? { durability } : {}),
  };
};

/**
 * The whole configuration of `npm start`: `PORT` (default 3000), `HOST` (default 0.0.0.0),
 * `LOG_LEVEL` (default info), `QUEUE_CONCURRENCY` (positive integer, default the app's 32) and the
 * backend's variables (see `backendConfigFromEnv`).
 * @throws ConfigError naming every variable whose value is refused.
 */
export const configFromEnv = (env: Env): TruckingConfig => {
  const { get, done } = collector(env);
  const port = get('PORT', parsePort);
  const logLevel = get('LOG_LEVEL', (raw) => oneOf(raw, LOG_LEVELS));
  const concurrency = get('QUEUE_CONCURRENCY', parsePositiveInteger);
  const backend = backendFields(get, env);
  done();
  return {
    port: port ?? 3000,
    host: read(env, 'HOST') ?? '0.0.0.0',
    logLevel: logLevel ?? 'info',
    ...(concurrency === undefined ? {} : { concurrency }),
    backend,
  };
};

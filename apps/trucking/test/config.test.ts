import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidationError } from 'eventfold';
import { backendConfigFromEnv } from '../src/backend.js';
import { ConfigError, configFromEnv } from '../src/config.js';

/** The ConfigError a start with `env` fails with. */
const refusal = (env: Record<string, string>): ConfigError => {
  try {
    configFromEnv(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail(`${JSON.stringify(env)} was accepted`);
};

describe('trucking configuration from the environment', () => {
  it('defaults every unset (or empty) variable to the documented value', () => {
    const expected = { port: 3000, host: '0.0.0.0', logLevel: 'info', backend: { dataDir: './data' } };
    assert.deepEqual(configFromEnv({}), expected);
    assert.deepEqual(
      configFromEnv({ PORT: '', LOG_LEVEL: '', QUEUE_CONCURRENCY: '', DATABASE_URL: '' }),
      expected,
    );
  });

  it('reads every variable it documents', () => {
    assert.deepEqual(
      configFromEnv({
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        QUEUE_CONCURRENCY: '8',
        DATA_DIR: '/var/lib/trucking',
        DATABASE_URL: 'postgresql://app:secret@db:5432/trucking',
        DATABASE_SCHEMA: 'billing',
        SQLITE_DURABILITY: 'normal',
      }),
      {
        port: 0,
        host: '127.0.0.1',
        logLevel: 'silent',
        concurrency: 8,
        backend: {
          dataDir: '/var/lib/trucking',
          databaseUrl: 'postgresql://app:secret@db:5432/trucking',
          databaseSchema: 'billing',
          durability: 'normal',
        },
      },
    );
    assert.equal(configFromEnv({ PORT: '65535' }).port, 65535);
  });

  const refused: [string, string, RegExp][] = [
    ['PORT', 'abc', /PORT is "abc"; allowed: an integer from 0 to 65535/],
    ['PORT', '65536', /an integer from 0 to 65535/],
    ['PORT', '-1', /an integer from 0 to 65535/],
    ['PORT', '80.5', /an integer from 0 to 65535/],
    ['PORT', ' 80', /an integer from 0 to 65535/],
    [
      'LOG_LEVEL',
      'warning',
      /LOG_LEVEL is "warning"; allowed: fatal, error, warn, info, debug, trace, silent/,
    ],
    ['SQLITE_DURABILITY', 'ful', /SQLITE_DURABILITY is "ful"; allowed: full, normal/],
    ['QUEUE_CONCURRENCY', '0', /QUEUE_CONCURRENCY is "0"; allowed: a positive integer/],
    ['QUEUE_CONCURRENCY', '-4', /a positive integer/],
    ['QUEUE_CONCURRENCY', '2.5', /a positive integer/],
    ['QUEUE_CONCURRENCY', '1e3', /a positive integer/],
    ['QUEUE_CONCURRENCY', '99999999999999999999', /a positive integer/],
    ['DATABASE_URL', 'localhost:5432/db', /DATABASE_URL is not a URL; allowed: postgres:\/\//],
    ['DATABASE_URL', 'mysql://db/trucking', /DATABASE_URL is not a URL/],
    ['DATABASE_SCHEMA', 'x'.repeat(64), /DATABASE_SCHEMA is too long/],
  ];
  for (const [name, value, message] of refused)
    it(`refuses ${name}=${value.slice(0, 20)} with a VALIDATION error naming it and what it allows`, () => {
      const error = refusal({ [name]: value });
      assert.ok(isValidationError(error));
      assert.equal(error.code, 'VALIDATION');
      assert.deepEqual(
        error.details.map((detail) => detail.field),
        [name],
      );
      assert.match(error.message, message);
      assert.doesNotMatch(error.message, /\n/);
    });

  it('never quotes a connection string back (it carries a password)', () => {
    const error = refusal({ DATABASE_URL: 'postgres//app:s3cret@db/trucking' });
    assert.doesNotMatch(error.message, /s3cret/);
  });

  it('quotes at most the start of a long wrong value', () => {
    const error = refusal({ LOG_LEVEL: 'x'.repeat(10_000) });
    assert.ok(error.message.length < 200, error.message);
  });

  it('reports every wrong variable of one start in one line', () => {
    const error = refusal({ PORT: 'abc', LOG_LEVEL: 'loud', SQLITE_DURABILITY: 'fast' });
    assert.deepEqual(
      error.details.map((detail) => detail.field),
      ['PORT', 'LOG_LEVEL', 'SQLITE_DURABILITY'],
    );
    assert.doesNotMatch(error.message, /\n/);
  });

  it('backendConfigFromEnv applies the same checks to the backend variables', () => {
    assert.throws(() => backendConfigFromEnv({ SQLITE_DURABILITY: 'FULL' }), ConfigError);
    assert.deepEqual(backendConfigFromEnv({ DATA_DIR: '/tmp/x', SQLITE_DURABILITY: 'full' }), {
      dataDir: '/tmp/x',
      durability: 'full',
    });
  });
});

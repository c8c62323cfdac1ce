import { ValidationError } from '../core/errors.js';
import { quoteIdent } from '../shared/identifier.js';

// The one identifier helper, for the PostgreSQL files that already import it from here.
export { quoteIdent };

/** Longest schema name PostgreSQL keeps without truncation (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_LENGTH = 63;

/** Checks a schema name given by the user or the CLI. */
export const validateSchemaName = (schema: unknown): string => {
  if (typeof schema !== 'string' || schema.length === 0 || schema.length > MAX_IDENTIFIER_LENGTH)
    throw new ValidationError(
      `schema: must be a non-empty string of at most ${MAX_IDENTIFIER_LENGTH} characters`,
      [
        {
          field: 'schema',
          message: `must be a non-empty string of at most ${MAX_IDENTIFIER_LENGTH} characters`,
        },
      ],
    );
  return schema;
};

/** The schema-qualified names one store uses; computed once per store. */
export interface SchemaNames {
  readonly schema: string;
  readonly events: string;
  readonly streams: string;
  /**
   * SQL taking the schema's append lock until the transaction ends (see schema/v1-initial.ts).
   * Advisory, so it costs no row write; two schemas whose names hash alike merely share it.
   */
  readonly appendLock: string;
  readonly migrations: string;
  readonly checkpoints: string;
  readonly commands: string;
  readonly snapshots: string;
  /** LISTEN/NOTIFY channel of the command log (raw text, like `channel`). */
  readonly commandChannel: string;
  readonly appendBatch: string;
  /**
   * LISTEN/NOTIFY channel (raw text; quote it for LISTEN): per schema, so stores sharing a database
   * only wake their own readers. Truncated to the identifier limit; a collision only costs a spurious wake-up.
   */
  readonly channel: string;
  /** Prefix for prepared-statement names; statement names are per connection and must not collide. */
  readonly statementPrefix: string;
}

export const schemaNames = (schema: string): SchemaNames => {
  const q = quoteIdent(schema);
  return {
    schema,
    events: `${q}.events`,
    streams: `${q}.streams`,
    appendLock: `pg_advisory_xact_lock(hashtext('eventfold:append'), hashtext('${schema.replaceAll("'", "''")}'))`,
    migrations: `${q}.schema_migrations`,
    checkpoints: `${q}.projection_checkpoints`,
    commands: `${q}.commands`,
    snapshots: `${q}.snapshots`,
    commandChannel: `eventfold-commands:${schema}`.slice(0, MAX_IDENTIFIER_LENGTH),
    appendBatch: `${q}.append_batch`,
    channel: `eventfold:${schema}`.slice(0, MAX_IDENTIFIER_LENGTH),
    statementPrefix: `eventfold:${schema}:`,
  };
};

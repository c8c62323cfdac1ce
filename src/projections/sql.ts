/**
 * Portable statements: a read model's SQL written once, run by the SQLite and the PostgreSQL
 * targets. A statement keeps its text parts, its bound values and its identifiers apart; each
 * backend renders it with its own placeholders (`?` or `$1`) and its own quoting helper, and places
 * `sql.table(…)` names where it keeps read models (the store's file, or the store's schema).
 * Write SQL both databases accept: PostgreSQL type names (`text`, `bigint`, `double precision`)
 * and `ON CONFLICT … DO UPDATE SET … = excluded.…` work on SQLite too.
 */

/** A value bound to a parameter (never spliced into the text). */
export type SqlValue = string | number | bigint | null;

/** A name the backend writes into the text, quoted by its one identifier helper. */
export interface SqlIdentifier {
  readonly sqlKind: 'table' | 'identifier';
  readonly name: string;
}

/** A statement or a fragment of one, built with `sql`. */
export interface SqlStatement {
  readonly sqlKind: 'statement';
  readonly strings: readonly string[];
  readonly args: readonly SqlArg[];
}

/** What a `sql` template may interpolate: a value, an identifier or a nested fragment. */
export type SqlArg = SqlValue | SqlIdentifier | SqlStatement;

/** How one backend writes statements. */
export interface SqlDialect {
  /** The placeholder of the parameter at `index` (from 1). */
  readonly placeholder: (index: number) => string;
  /** A read model's table, qualified where the backend keeps read models, and quoted. */
  readonly table: (name: string) => string;
  /** Any other identifier (an index, a column), quoted. */
  readonly identifier: (name: string) => string;
}

/** A statement as a driver takes it. */
export interface RenderedSql {
  readonly text: string;
  readonly values: readonly SqlValue[];
}

/** The `sql` tag and its helpers. */
export interface Sql {
  (strings: TemplateStringsArray, ...args: readonly SqlArg[]): SqlStatement;
  /** A read-model table: `sql.table('trucking_trucks')` (on PostgreSQL, in the store's schema). */
  readonly table: (name: string) => SqlIdentifier;
  /** A quoted identifier that the backend does not qualify (an index name, a column). */
  readonly identifier: (name: string) => SqlIdentifier;
  /** Fragments joined by a separator fragment, e.g. conditions joined by sql` AND `. */
  readonly join: (parts: readonly SqlStatement[], separator: SqlStatement) => SqlStatement;
  /** The empty fragment (an absent clause). */
  readonly empty: SqlStatement;
}

const statement = (strings: readonly string[], args: readonly SqlArg[]): SqlStatement => ({
  sqlKind: 'statement',
  strings,
  args,
});

const join = (parts: readonly SqlStatement[], separator: SqlStatement): SqlStatement => {
  const args: SqlArg[] = [];
  parts.forEach((part, index) => {
    if (index > 0) args.push(separator);
    args.push(part);
  });
  return statement(
    Array.from({ length: args.length + 1 }, () => ''),
    args,
  );
};

/**
 * Tags a portable statement. Interpolated values are bound as parameters; identifiers and nested
 * fragments are written into the text. Write no placeholders of your own, and one SQL command per
 * statement (a parameterised command cannot hold several).
 *
 * ```ts
 * const trucks = sql.table('trucking_trucks');
 * ctx.run(sql`UPDATE ${trucks} SET shipment_id = NULL WHERE truck_id = ${truckId}`);
 * const rows = await db.all<TruckRow>(sql`SELECT truck_id FROM ${trucks} ORDER BY first_position`);
 * ```
 */
export const sql: Sql = Object.assign(
  (strings: TemplateStringsArray, ...args: readonly SqlArg[]): SqlStatement => statement(strings, args),
  {
    table: (name: string): SqlIdentifier => ({ sqlKind: 'table', name }),
    identifier: (name: string): SqlIdentifier => ({ sqlKind: 'identifier', name }),
    join,
    empty: statement([''], []),
  },
);

const renderTree = (root: SqlStatement, dialect: SqlDialect): RenderedSql => {
  const values: SqlValue[] = [];
  const write = (part: SqlStatement): string => {
    let text = part.strings[0] ?? '';
    part.args.forEach((arg, index) => {
      if (arg !== null && typeof arg === 'object') {
        if (arg.sqlKind === 'statement') text += write(arg);
        else text += arg.sqlKind === 'table' ? dialect.table(arg.name) : dialect.identifier(arg.name);
      } else {
        values.push(arg);
        text += dialect.placeholder(values.length);
      }
      text += part.strings[index + 1] ?? '';
    });
    return text;
  };
  return { text: write(root), values };
};

/** The text a template call site rendered to, and the identifiers it held (null for a value). */
interface RenderedSite {
  readonly text: string;
  readonly identifiers: readonly (SqlIdentifier | null)[];
}

// A projector runs the same few call sites for every event: their text is kept per dialect and per
// template (a template's strings array is one frozen object per call site), so a statement is not
// re-rendered, and a driver's statement cache keyed by that text hits the same string each time.
const renderedSites = new WeakMap<SqlDialect, WeakMap<readonly string[], RenderedSite>>();

const sameIdentifier = (arg: SqlArg, identifier: SqlIdentifier | null): boolean =>
  arg !== null && typeof arg === 'object'
    ? identifier !== null && arg.sqlKind === identifier.sqlKind && arg.name === identifier.name
    : identifier === null;

/** Writes a statement in one backend's dialect: its text with placeholders, and the values in order. */
export const renderSql = (root: SqlStatement, dialect: SqlDialect): RenderedSql => {
  const flat =
    Object.isFrozen(root.strings) &&
    root.args.every((arg) => arg === null || typeof arg !== 'object' || arg.sqlKind !== 'statement');
  if (!flat) return renderTree(root, dialect);
  let sites = renderedSites.get(dialect);
  if (!sites) {
    sites = new WeakMap();
    renderedSites.set(dialect, sites);
  }
  const site = sites.get(root.strings);
  if (site && root.args.every((arg, index) => sameIdentifier(arg, site.identifiers[index] ?? null))) {
    const values: SqlValue[] = [];
    for (const arg of root.args) if (arg === null || typeof arg !== 'object') values.push(arg);
    return { text: site.text, values };
  }
  const rendered = renderTree(root, dialect);
  sites.set(root.strings, {
    text: rendered.text,
    identifiers: root.args.map((arg) =>
      arg !== null && typeof arg === 'object' && arg.sqlKind !== 'statement' ? arg : null,
    ),
  });
  return rendered;
};

/**
 * What a projector written once for SQLite and PostgreSQL receives in `init`, `apply` and `reset`:
 * statements to run in the batch's transaction, which commits with the checkpoint. `apply` states
 * its writes; reads belong to the queries (`SqlReader`), which see only committed batches.
 */
export interface SqlProjectionContext {
  /**
   * Runs one statement in the projection's transaction, in call order. SQLite runs it at once;
   * PostgreSQL sends it on the transaction's connection and the target awaits it before the
   * checkpoint, so a failing statement fails the batch on both (at the latest when it commits).
   */
  readonly run: (statement: SqlStatement) => void;
}

/** Queries of read models, the same statements on every SQL backend (routes, tests). */
export interface SqlReader {
  /** Every row of a query. `Row` is what the caller knows the columns to be. */
  readonly all: <Row extends object = Record<string, unknown>>(statement: SqlStatement) => Promise<Row[]>;
  /** The first row of a query, or undefined. */
  readonly get: <Row extends object = Record<string, unknown>>(
    statement: SqlStatement,
  ) => Promise<Row | undefined>;
}

/**
 * Quotes an SQL identifier (a schema or table name) as standard SQL does, for SQLite and PostgreSQL
 * alike. Every identifier that reaches SQL goes through this one helper; values are always bound.
 */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

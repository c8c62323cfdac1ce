import type { SchemaNames } from '../sql.js';

/** Version 3: the snapshot store's table, one row per snapshot key (last write wins: a snapshot is a cache). */
export const v3Snapshots = (n: SchemaNames): string => `
create table if not exists ${n.snapshots} (
  key text primary key,
  revision bigint not null,
  version integer not null,
  -- JSON text: exact, and \\u0000-safe like the command log's columns.
  state text not null
);
`;

/** The SQLite snapshot store's table: one row per snapshot key, last write wins (a snapshot is a cache). */
export const CREATE_SNAPSHOTS = `
CREATE TABLE IF NOT EXISTS ef_snapshots (
  key TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL
) STRICT`;

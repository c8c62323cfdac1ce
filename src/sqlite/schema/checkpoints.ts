/** SQL of the SQLite projection target: one checkpoint row per projection, in the store's file. */

export const CREATE_CHECKPOINTS = `
CREATE TABLE IF NOT EXISTS ef_projection_checkpoints (
  name TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  version INTEGER NOT NULL
) STRICT`;

export const SELECT_CHECKPOINT = 'SELECT position, version FROM ef_projection_checkpoints WHERE name = ?';

export const UPSERT_CHECKPOINT = `
INSERT INTO ef_projection_checkpoints (name, position, version) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version`;

export interface CheckpointRow {
  readonly position: number;
  readonly version: number;
}

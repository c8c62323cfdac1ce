import type { Database, Statement } from 'better-sqlite3';
import type { CommandRow } from '../../queue/records.js';

/**
 * The command log's tables, in the event store's file so a command's outcome commits in the same
 * transaction as its events. `ef_command_keys.next_seq` points at the oldest accepted command of
 * each key, so "what can run next" reads one row per ready key instead of scanning the backlog.
 * `seq` is the rowid (arrival order is the table's own B-tree: the next seq is one descent, and
 * the key heads join on it directly) and the keys table has no rowid: every enqueue writes two
 * B-trees fewer. Files created before this layout (`command_id` as the primary key, a rowid keys
 * table) keep it and work unchanged: the statements below fit both.
 * Idempotent DDL: safe to run on every start.
 */
export const COMMAND_LOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS ef_commands (
  seq             INTEGER PRIMARY KEY,
  command_id      TEXT NOT NULL UNIQUE,
  partition_key   TEXT NOT NULL,
  partition_no    INTEGER NOT NULL,
  type            TEXT NOT NULL,
  payload         TEXT NOT NULL,
  metadata        TEXT NOT NULL,
  idempotency_key TEXT UNIQUE,
  fingerprint     TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('accepted', 'succeeded', 'rejected', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  error           TEXT,
  result          TEXT,
  accepted_at     TEXT NOT NULL,
  processed_at    TEXT
);
CREATE INDEX IF NOT EXISTS ef_commands_accepted_by_key
  ON ef_commands (partition_key, seq) WHERE status = 'accepted';
CREATE TABLE IF NOT EXISTS ef_command_keys (
  partition_key TEXT PRIMARY KEY,
  partition_no  INTEGER NOT NULL,
  next_seq      INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ef_command_keys_ready
  ON ef_command_keys (next_seq) WHERE next_seq IS NOT NULL;
`;

/** Every statement the SQLite command log runs, prepared once. */
export interface CommandLogStatements {
  readonly byId: Statement<[string], CommandRow>;
  /** Just the status: what `complete` needs when the record itself is already in hand. */
  readonly statusById: Statement<[string], { readonly status: string }>;
  readonly byKey: Statement<[string], CommandRow>;
  /** Takes the next seq itself and returns it: one statement per enqueue instead of two. */
  readonly insert: Statement<Record<string, string | number | null>, { readonly seq: number }>;
  /** A new accepted command becomes its key's next one unless an older one is waiting. */
  readonly markKeyReady: Statement<Record<string, string | number>>;
  /** After a command ends, its key's next one is the oldest still accepted (or none). */
  readonly advanceKey: Statement<[string, string]>;
  readonly finish: Statement<Record<string, string | null>>;
  readonly recordAttempt: Statement<[string, string]>;
  readonly countPending: Statement<[string, number], { readonly pending: number }>;
  readonly next: Statement<[string, string, number], CommandRow>;
  /** `next` for an owner of every partition (one process per file): no partition filter at all. */
  readonly nextAny: Statement<[string, number], CommandRow>;
}

export const prepareCommandLogStatements = (db: Database): CommandLogStatements => ({
  byId: db.prepare('SELECT * FROM ef_commands WHERE command_id = ?'),
  statusById: db.prepare('SELECT status FROM ef_commands WHERE command_id = ?'),
  byKey: db.prepare('SELECT * FROM ef_commands WHERE idempotency_key = ?'),
  // The seq is computed in the INSERT (inside the write transaction, so it cannot race) and given
  // back by RETURNING: `seq` is not the rowid in files of the older layout, so lastInsertRowid won't do.
  insert: db.prepare(`
    INSERT INTO ef_commands (command_id, seq, partition_key, partition_no, type, payload, metadata,
      idempotency_key, fingerprint, status, attempts, accepted_at)
    VALUES (@command_id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM ef_commands), @partition_key,
      @partition_no, @type, @payload, @metadata, @idempotency_key, @fingerprint, 'accepted', 0,
      @accepted_at)
    RETURNING seq`),
  markKeyReady: db.prepare(`
    INSERT INTO ef_command_keys (partition_key, partition_no, next_seq)
    VALUES (@partition_key, @partition_no, @seq)
    ON CONFLICT (partition_key) DO UPDATE SET next_seq = COALESCE(next_seq, excluded.next_seq)`),
  advanceKey: db.prepare(`
    UPDATE ef_command_keys SET next_seq = (
      SELECT MIN(seq) FROM ef_commands WHERE partition_key = ? AND status = 'accepted'
    ) WHERE partition_key = ?`),
  // The status guard makes a second completion of the same command a no-op (changes = 0).
  finish: db.prepare(`
    UPDATE ef_commands SET status = @status, error = @error, result = @result, processed_at = @processed_at
    WHERE command_id = @command_id AND status = 'accepted'`),
  recordAttempt: db.prepare(`
    UPDATE ef_commands SET attempts = attempts + 1, error = ?
    WHERE command_id = ? AND status = 'accepted'`),
  countPending: db.prepare(`
    SELECT COUNT(*) AS pending FROM ef_commands
    WHERE partition_key = ? AND status = 'accepted' AND seq < ?`),
  // Parameters: JSON array of owned partitions, JSON array of keys to skip, limit.
  next: db.prepare(`
    SELECT c.* FROM ef_command_keys k JOIN ef_commands c ON c.seq = k.next_seq
    WHERE k.next_seq IS NOT NULL
      AND k.partition_no IN (SELECT value FROM json_each(?))
      AND k.partition_key NOT IN (SELECT value FROM json_each(?))
    ORDER BY k.next_seq LIMIT ?`),
  nextAny: db.prepare(`
    SELECT c.* FROM ef_command_keys k JOIN ef_commands c ON c.seq = k.next_seq
    WHERE k.next_seq IS NOT NULL
      AND k.partition_key NOT IN (SELECT value FROM json_each(?))
    ORDER BY k.next_seq LIMIT ?`),
});

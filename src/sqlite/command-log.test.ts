import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { COMMAND_LOG_SCHEMA, prepareCommandLogStatements } from './schema/command-log.js';

const plan = (db: Database.Database, sql: string, ...params: unknown[]): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
    .map((row) => row.detail)
    .join('; ');

describe('SQLite command log schema', () => {
  it('keeps working on a file created with the earlier layout (command_id primary key, rowid keys)', () => {
    const db = new Database(':memory:');
    db.exec(`
      CREATE TABLE ef_commands (
        command_id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, partition_key TEXT NOT NULL,
        partition_no INTEGER NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, metadata TEXT NOT NULL,
        idempotency_key TEXT UNIQUE, fingerprint TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('accepted', 'succeeded', 'rejected', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0, error TEXT, result TEXT, accepted_at TEXT NOT NULL, processed_at TEXT);
      CREATE TABLE ef_command_keys (partition_key TEXT PRIMARY KEY, partition_no INTEGER NOT NULL, next_seq INTEGER);
    `);
    db.exec(COMMAND_LOG_SCHEMA);
    const statements = prepareCommandLogStatements(db);
    const insert = (commandId: string): number =>
      statements.insert.get({
        command_id: commandId,
        partition_key: 'k',
        partition_no: 0,
        type: 'T',
        payload: '{}',
        metadata: '{}',
        idempotency_key: null,
        fingerprint: 'f',
        accepted_at: '2026-01-01T00:00:00.000Z',
      })?.seq as number;
    const seq = insert('c1');
    statements.markKeyReady.run({ partition_key: 'k', partition_no: 0, seq });
    assert.equal(statements.nextAny.all('[]', 10)[0]?.command_id, 'c1');
    assert.equal(insert('c2'), seq + 1);
    db.close();
  });

  it('is idempotent DDL', () => {
    const db = new Database(':memory:');
    db.exec(COMMAND_LOG_SCHEMA);
    db.exec(COMMAND_LOG_SCHEMA);
    prepareCommandLogStatements(db);
    db.close();
  });

  it('finds the next commands, key heads and pending counts through indexes, never a table scan', () => {
    const db = new Database(':memory:');
    db.exec(COMMAND_LOG_SCHEMA);
    const plans = [
      plan(
        db,
        `SELECT c.* FROM ef_command_keys k JOIN ef_commands c ON c.seq = k.next_seq
         WHERE k.next_seq IS NOT NULL AND k.partition_key NOT IN (SELECT value FROM json_each(?))
         ORDER BY k.next_seq LIMIT ?`,
        '[]',
        10,
      ),
      plan(db, `SELECT MIN(seq) FROM ef_commands WHERE partition_key = ? AND status = 'accepted'`, 'k'),
      plan(
        db,
        `SELECT COUNT(*) FROM ef_commands WHERE partition_key = ? AND status = 'accepted' AND seq < ?`,
        'k',
        5,
      ),
      plan(db, 'SELECT COALESCE(MAX(seq), 0) + 1 FROM ef_commands'),
      plan(db, 'SELECT * FROM ef_commands WHERE command_id = ?', 'c'),
      plan(db, 'SELECT * FROM ef_commands WHERE idempotency_key = ?', 'i'),
      plan(db, 'SELECT * FROM ef_command_keys WHERE partition_key = ?', 'k'),
    ];
    for (const text of plans) {
      assert.doesNotMatch(text, /SCAN (ef_commands|ef_command_keys|c|k)\b/, text);
      assert.doesNotMatch(text, /TEMP B-TREE/, text);
    }
    db.close();
  });
});

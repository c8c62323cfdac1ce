import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { COMMAND_LOG_SCHEMA, prepareCommandLogStatements } from './sqlite-schema.js';

const plan = (db: Database.Database, sql: string, ...params: unknown[]): string =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
    .map((row) => row.detail)
    .join('; ');

describe('SQLite command log schema', () => {
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
    ];
    for (const text of plans) {
      assert.doesNotMatch(text, /SCAN (ef_commands|ef_command_keys|c|k)\b/, text);
      assert.doesNotMatch(text, /TEMP B-TREE/, text);
    }
    db.close();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SqlIdentifier, type SqlValue, sql } from 'eventfold';
import { postgresDialect } from '../postgres/sql-dialect.js';
import { sqliteDialect } from '../sqlite/sql-dialect.js';
import { renderSql } from './sql.js';

const trucks = sql.table('trucking_trucks');

describe('portable sql statements', () => {
  it('bind values as parameters and write identifiers through each backend', () => {
    const statement = sql`UPDATE ${trucks} SET shipment_id = ${null} WHERE truck_id = ${'T1'} AND n > ${2}`;
    assert.deepEqual(renderSql(statement, sqliteDialect), {
      text: 'UPDATE "trucking_trucks" SET shipment_id = ? WHERE truck_id = ? AND n > ?',
      values: [null, 'T1', 2],
    });
    assert.deepEqual(renderSql(statement, postgresDialect('my"schema')), {
      text: 'UPDATE "my""schema"."trucking_trucks" SET shipment_id = $1 WHERE truck_id = $2 AND n > $3',
      values: [null, 'T1', 2],
    });
    const index = sql`CREATE INDEX IF NOT EXISTS ${sql.identifier('by "status"')} ON ${trucks} (status)`;
    assert.equal(
      renderSql(index, postgresDialect('s')).text,
      'CREATE INDEX IF NOT EXISTS "by ""status""" ON "s"."trucking_trucks" (status)',
    );
  });

  it('nest fragments and joins, numbering the placeholders across them', () => {
    const conditions = [sql`status = ${'assigned'}`, sql`customer_id = ${'C1'}`];
    const where = sql`WHERE ${sql.join(conditions, sql` AND `)}`;
    const statement = sql`SELECT * FROM ${trucks} ${where} ORDER BY position LIMIT ${5}`;
    assert.deepEqual(renderSql(statement, postgresDialect('s')), {
      text: 'SELECT * FROM "s"."trucking_trucks" WHERE status = $1 AND customer_id = $2 ORDER BY position LIMIT $3',
      values: ['assigned', 'C1', 5],
    });
    assert.equal(
      renderSql(sql`SELECT 1 ${sql.join([], sql` AND `)}${sql.empty}`, sqliteDialect).text,
      'SELECT 1 ',
    );
  });

  it('one call site renders what it holds each time: other identifiers, other values', () => {
    const at = (table: SqlIdentifier, value: SqlValue) => sql`DELETE FROM ${table} WHERE id = ${value}`;
    const render = (table: SqlIdentifier, value: SqlValue) => renderSql(at(table, value), sqliteDialect);
    assert.deepEqual(render(trucks, 1), { text: 'DELETE FROM "trucking_trucks" WHERE id = ?', values: [1] });
    assert.deepEqual(render(trucks, 'x'), {
      text: 'DELETE FROM "trucking_trucks" WHERE id = ?',
      values: ['x'],
    });
    assert.deepEqual(render(sql.table('other'), 2), {
      text: 'DELETE FROM "other" WHERE id = ?',
      values: [2],
    });
    assert.deepEqual(render(sql.identifier('other'), 3), {
      text: 'DELETE FROM "other" WHERE id = ?',
      values: [3],
    });
    assert.deepEqual(renderSql(at(trucks, 4), postgresDialect('s')), {
      text: 'DELETE FROM "s"."trucking_trucks" WHERE id = $1',
      values: [4],
    });
  });
});

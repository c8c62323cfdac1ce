/** store.transaction: appends and the caller's SQL commit together or not at all. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isConcurrencyError, type RecordedEvent } from 'eventfold';
import { until } from '../../src/testing/contracts/event-store/support.js';
import { openSchema } from './postgres-support.js';

const withSchema = async (work: (schema: ReturnType<typeof openSchema>) => Promise<void>): Promise<void> => {
  const schema = openSchema();
  try {
    await work(schema);
  } finally {
    await schema.dispose();
  }
};

test('a read model row and the events it came from commit together', () =>
  withSchema(async (schema) => {
    const store = schema.open();
    const other = schema.open();
    const seen: RecordedEvent[] = [];
    const subscription = other.subscribe({ onEvents: (events) => void seen.push(...events) });
    let committedCallbacks = 0;
    const result = await store.transaction(async (tx) => {
      await tx.query(
        `create table ${tx.schema}.balances (customer text primary key, amount integer not null)`,
      );
      const appended = await tx.append('customer-1', [{ type: 'Charged', data: { amount: 5 } }]);
      await tx.query(`insert into ${tx.schema}.balances values ($1, $2)`, ['customer-1', 5]);
      tx.afterCommit(() => {
        committedCallbacks += 1;
      });
      return appended;
    });
    assert.equal(result.position, 1);
    assert.equal(committedCallbacks, 1);
    const rows = await store.transaction((tx) =>
      tx.query<{ amount: number }>(`select amount from ${tx.schema}.balances where customer = $1`, [
        'customer-1',
      ]),
    );
    assert.deepEqual(rows.rows, [{ amount: 5 }]);
    await until(() => seen.length === 1, 'the other node to see the event');
    await subscription.stop();
    assert.equal(seen[0]?.id, result.events[0]?.id);
  }));

test('a throw rolls back the SQL and the appends; the positions are handed out again', () =>
  withSchema(async (schema) => {
    const store = schema.open();
    await store.transaction((tx) => tx.query(`create table ${tx.schema}.log (line text)`));
    let committedCallbacks = 0;
    await assert.rejects(
      store.transaction(async (tx) => {
        await tx.append('s', [{ type: 'Lost', data: {} }]);
        await tx.query(`insert into ${tx.schema}.log values ('lost')`);
        tx.afterCommit(() => {
          committedCallbacks += 1;
        });
        throw new Error('handler failed');
      }),
      /handler failed/,
    );
    assert.equal(committedCallbacks, 0);
    assert.deepEqual(await store.readAll(), []);
    assert.equal((await store.streamState('s')).revision, -1);
    const kept = await store.append('s', [{ type: 'Kept', data: {} }], { expectedRevision: 'no-stream' });
    assert.equal(kept.position, 1);
    const log = await store.transaction((tx) => tx.query(`select * from ${tx.schema}.log`));
    assert.equal(log.rowCount, 0);
  }));

test('a failed check inside a transaction is a typed error and leaves the transaction usable', () =>
  withSchema(async (schema) => {
    const store = schema.open();
    await store.append('s', [{ type: 'First', data: {} }]);
    const outcome = await store.transaction(async (tx) => {
      const conflict = await tx
        .append('s', [{ type: 'Second', data: {} }], { expectedRevision: 'no-stream' })
        .catch((error: unknown) => error);
      assert.ok(isConcurrencyError(conflict) && conflict.actual === 0);
      return tx.append('s', [{ type: 'Second', data: {} }], { expectedRevision: 0 });
    });
    assert.equal(outcome.nextExpectedRevision, 1);
    assert.deepEqual(
      (await store.readStream('s')).map((event) => event.type),
      ['First', 'Second'],
    );
  }));

test('several appends in one transaction see each other and are atomic together', () =>
  withSchema(async (schema) => {
    const store = schema.open();
    await store.transaction(async (tx) => {
      await tx.append('order-1', [{ type: 'Placed', data: {} }], { expectedRevision: 'no-stream' });
      await tx.append('order-1', [{ type: 'Paid', data: {} }], { expectedRevision: 0 });
      await tx.append('stock', [{ type: 'Reserved', data: {} }], {
        condition: { query: { types: ['Placed'] }, after: 1 },
      });
    });
    assert.deepEqual(
      (await store.readAll()).map((event) => [event.streamId, event.revision, event.position]),
      [
        ['order-1', 0, 1],
        ['order-1', 1, 2],
        ['stock', 0, 3],
      ],
    );
  }));

test('an idempotent repeat inside a transaction returns the stored events', () =>
  withSchema(async (schema) => {
    const store = schema.open();
    const first = await store.append('s', [{ type: 'Once', data: {}, id: 'event-1' }]);
    const again = await store.transaction((tx) =>
      tx.append('s', [{ type: 'Once', data: {}, id: 'event-1' }]),
    );
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.events, first.events);
  }));

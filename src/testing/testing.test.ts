import { AssertionError } from 'node:assert';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type MemoryProjectionContext,
  type Message,
  type Projector,
  type SqlProjectionContext,
  type SqlReader,
  sql,
} from 'eventfold';
import {
  deciderSpec,
  memoryProjection,
  postgresProjection,
  projectorSpec,
  sqliteProjection,
} from 'eventfold/testing';
import { counter, increment } from '../commands/examples.test-support.js';

const incremented = (by: number) => ({ type: 'Incremented' as const, data: { by } });

/** Runs a spec step expected to fail and returns its AssertionError message. */
const failureOf = async (step: () => unknown): Promise<string> => {
  try {
    await step();
  } catch (error) {
    assert.ok(error instanceof AssertionError, `expected an AssertionError, got ${String(error)}`);
    return error.message;
  }
  assert.fail('the spec step should have failed');
};

describe('deciderSpec', () => {
  it('passes on the expected events and on the expected rejection', () => {
    deciderSpec(counter)
      .given([incremented(1)])
      .when(increment('a', 2))
      .then([incremented(2)]);
    deciderSpec(counter)
      .given([incremented(100)])
      .when(increment('a', 1))
      .thenRejects('LIMIT_REACHED');
    deciderSpec(counter)
      .given([])
      .when(increment('a', 0))
      .thenRejects({ reason: 'NOT_POSITIVE', message: /positive/ });
  });

  it('shows expected vs actual events, line by line, naming the command', async () => {
    const message = await failureOf(() =>
      deciderSpec(counter)
        .given([])
        .when(increment('a', 2))
        .then([incremented(3)]),
    );
    assert.equal(
      message,
      'when Increment {"by":2,"id":"a"}: the events differ (- expected, + actual)\n' +
        '  - [0] {"data":{"by":3},"type":"Incremented"}\n' +
        '  + [0] {"data":{"by":2},"type":"Incremented"}',
    );
  });

  it('says when an accepted command was expected to be rejected, and vice versa', async () => {
    const accepted = await failureOf(() =>
      deciderSpec(counter).given([]).when(increment('a', 1)).thenRejects('LIMIT_REACHED'),
    );
    assert.equal(
      accepted,
      'when Increment {"by":1,"id":"a"}: expected rejection LIMIT_REACHED, but the command was accepted with events:\n' +
        '  + [0] {"data":{"by":1},"type":"Incremented"}',
    );
    const rejected = await failureOf(() =>
      deciderSpec(counter)
        .given([incremented(100)])
        .when(increment('a', 1))
        .then([incremented(1)]),
    );
    assert.match(
      rejected,
      /^when Increment .*: expected events, but the command was rejected with LIMIT_REACHED: total would exceed 100/,
    );
    const wrongReason = await failureOf(() =>
      deciderSpec(counter).given([]).when(increment('a', -1)).thenRejects('LIMIT_REACHED'),
    );
    assert.equal(
      wrongReason,
      'when Increment {"by":-1,"id":"a"}: expected rejection LIMIT_REACHED, got NOT_POSITIVE (increment must be positive)',
    );
  });

  it('marks unexpected extra events and missing ones', async () => {
    const message = await failureOf(() =>
      deciderSpec(counter)
        .given([])
        .when(increment('a', 1))
        .then([incremented(1), incremented(1)]),
    );
    assert.match(message, /\n {4}\[0\] \{"data":\{"by":1\},"type":"Incremented"\}\n {2}- \[1\] /);
  });
});

const totals: Projector<MemoryProjectionContext<{ total: number }>> = {
  name: 'totals',
  filter: { types: ['Incremented'] },
  apply: (ctx, events) => {
    for (const event of events) ctx.state.total += Number(event.data.by);
  },
  reset: (ctx) => {
    ctx.state = { total: 0 };
  },
};

const sqliteTotals: Projector<{ database: import('better-sqlite3').Database }> = {
  name: 'totals',
  init: ({ database }) => {
    database.exec('CREATE TABLE IF NOT EXISTS totals (stream TEXT PRIMARY KEY, total INTEGER NOT NULL)');
  },
  apply: ({ database }, events) => {
    const upsert = database.prepare(
      'INSERT INTO totals (stream, total) VALUES (?, ?) ON CONFLICT (stream) DO UPDATE SET total = total + excluded.total',
    );
    for (const event of events) if (event.type === 'Incremented') upsert.run(event.streamId, event.data.by);
  },
  reset: ({ database }) => {
    database.exec('DELETE FROM totals');
  },
};

const tallies = sql.table('spec_tallies');
/** A portable projector: the same statements on SQLite and PostgreSQL, typed by the events it names. */
const portableTotals: Projector<SqlProjectionContext, Message<'Incremented', { by: number }>> = {
  name: 'portable-totals',
  types: ['Incremented'],
  init: (ctx) => {
    ctx.run(sql`CREATE TABLE IF NOT EXISTS ${tallies} (stream text PRIMARY KEY, total bigint NOT NULL)`);
  },
  apply: (ctx, events) => {
    for (const event of events)
      ctx.run(sql`INSERT INTO ${tallies} (stream, total) VALUES (${event.streamId}, ${event.data.by})
        ON CONFLICT (stream) DO UPDATE SET total = ${tallies}.total + excluded.total`);
  },
  reset: (ctx) => {
    ctx.run(sql`DELETE FROM ${tallies}`);
  },
};
const readTallies = async (db: SqlReader) =>
  (
    await db.all<{ stream: string; total: number | string }>(sql`SELECT * FROM ${tallies} ORDER BY stream`)
  ).map((row) => ({ stream: row.stream, total: Number(row.total) }));
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('projectorSpec', () => {
  for (const [backend, fixture] of [
    ['SQLite', sqliteProjection(readTallies)],
    ['PostgreSQL', postgresProjection(readTallies, { connectionString: databaseUrl })],
  ] as const)
    it(`runs one portable projector and its query on ${backend}`, async () => {
      await projectorSpec(portableTotals, fixture)
        .given([
          { ...incremented(2), streamId: 'a' },
          { type: 'Noise', data: { by: 100 }, streamId: 'a' },
          { ...incremented(4), streamId: 'b' },
          { ...incremented(1), streamId: 'a' },
        ])
        .then([
          { stream: 'a', total: 3 },
          { stream: 'b', total: 4 },
        ]);
    });

  it('checks a memory read model by value, and shows the difference when it fails', async () => {
    const events = [incremented(2), { type: 'Noise', data: {} }, incremented(3)];
    await projectorSpec(
      totals,
      memoryProjection(() => ({ total: 0 })),
    )
      .given(events)
      .then({ total: 5 });
    const message = await failureOf(() =>
      projectorSpec(
        totals,
        memoryProjection(() => ({ total: 0 })),
      )
        .given(events)
        .then({ total: 6 }),
    );
    assert.equal(
      message,
      'projector totals, given 3 event(s) [Incremented, Noise, Incremented]: the read model differs\n' +
        '  - expected: {"total":6}\n' +
        '  + actual:   {"total":5}',
    );
  });

  it('runs query assertions on a SQLite read model in a temp file', async () => {
    const spec = projectorSpec(
      sqliteTotals,
      sqliteProjection(({ database }) =>
        database.prepare('SELECT stream, total FROM totals ORDER BY stream').all(),
      ),
    );
    await spec
      .given([
        { ...incremented(2), streamId: 'a' },
        { ...incremented(4), streamId: 'b' },
        { ...incremented(1), streamId: 'a' },
      ])
      .then([
        { stream: 'a', total: 3 },
        { stream: 'b', total: 4 },
      ]);
    const message = await failureOf(() =>
      spec.given([{ ...incremented(2), streamId: 'a' }]).then((rows) => assert.equal(rows.length, 2)),
    );
    assert.match(message, /^projector totals, given 1 event\(s\) \[Incremented\]: /);
  });
});

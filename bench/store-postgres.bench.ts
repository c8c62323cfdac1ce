/**
 * PostgreSQL event store against raw `pg` on an equivalent plain table (one transaction per append,
 * SELECT + JSON parse for reads) and against Emmett's PostgreSQL store, all measured in the same run
 * on the same server. Eventfold and raw live in a fresh schema of DATABASE_URL; Emmett gets a fresh
 * database of its own. Everything is dropped at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import type { NewEvent } from 'eventfold';
import { createPostgresStore, type PostgresEventStore } from 'eventfold/postgres';
import pg from 'pg';
import { type BenchRow, measure } from './report.js';

const URL_ = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const WRITERS = 8;

const payload = (index: number) => ({
  orderId: `order-${index}`,
  amountCents: 1999 + index,
  sku: 'SKU-42',
  qty: 3,
});
const newEvent = (index: number): NewEvent => ({
  type: 'ItemAdded',
  data: payload(index),
  tags: [`cart:${index % 50}`],
});
const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/** Raw baseline: what an application would write by hand with `pg`. */
const openRaw = async (pool: pg.Pool, schema: string) => {
  const table = `"${schema}".raw_events`;
  await pool.query(`create table ${table} (
    position bigserial primary key,
    event_id text not null unique,
    stream_id text not null,
    revision bigint not null,
    type text not null,
    data json not null,
    metadata json not null,
    tags text[] not null,
    time text not null,
    unique (stream_id, revision)
  )`);
  const revisions = new Map<string, number>();
  /** One transaction (a single multi-row INSERT, autocommit) per append. */
  const append = async (streamId: string, count: number, seed: number): Promise<void> => {
    const first = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, first + count - 1);
    const values: unknown[] = [];
    const rows: string[] = [];
    const time = new Date().toISOString();
    for (let index = 0; index < count; index += 1) {
      const event = newEvent(seed + index);
      const at = values.length;
      rows.push(
        `($${at + 1}, $${at + 2}, $${at + 3}, 'ItemAdded', $${at + 4}, '{}', $${at + 5}, $${at + 6})`,
      );
      values.push(randomUUID(), streamId, first + index, JSON.stringify(event.data), event.tags, time);
    }
    await pool.query(
      `insert into ${table} (event_id, stream_id, revision, type, data, metadata, tags, time) values ${rows.join(', ')}`,
      values,
    );
  };
  const readStream = async (streamId: string): Promise<number> => {
    const { rows } = await pool.query<{ data: { qty: number } }>(
      `select position, event_id, revision, type, data, metadata, tags, time from ${table} where stream_id = $1 order by revision`,
      [streamId],
    );
    return rows.reduce((sum, row) => sum + row.data.qty, 0);
  };
  const readAll = async (): Promise<number> => {
    const { rows } = await pool.query<{ data: { qty: number } }>(
      `select position, event_id, stream_id, revision, type, data, metadata, tags, time from ${table} order by position`,
    );
    return rows.length;
  };
  return { table, append, readStream, readAll };
};

type Raw = Awaited<ReturnType<typeof openRaw>>;

/** Emmett on a database of its own (its tables live in `public`). */
const openEmmett = async (admin: pg.Pool) => {
  const database = `efbench_emmett_${randomBytes(4).toString('hex')}`;
  await admin.query(`create database ${database}`);
  const url = new URL(URL_);
  url.pathname = `/${database}`;
  const store = getPostgreSQLEventStore(url.toString());
  return {
    store,
    dispose: async () => {
      await store.close();
      await admin.query(`drop database if exists ${database} with (force)`);
    },
  };
};

type Emmett = Awaited<ReturnType<typeof openEmmett>>['store'];

/**
 * Runs the contenders in alternating rounds and sums each one's time, so a load change on the shared
 * machine (other processes, autovacuum) hits every contender alike instead of whichever ran last.
 * Returns operations per second for each.
 */
const interleaved = async (
  rounds: number,
  perRound: number,
  contenders: readonly ((index: number) => Promise<unknown>)[],
): Promise<number[]> => {
  const spent = contenders.map(() => 0);
  for (let round = 0; round < rounds; round += 1)
    for (const [which, operation] of contenders.entries()) {
      const started = process.hrtime.bigint();
      for (let index = 0; index < perRound; index += 1) await operation(round * perRound + index);
      spent[which] = (spent[which] ?? 0) + seconds(started);
    }
  return spent.map((time) => (rounds * perRound) / time);
};

const parallel = async (count: number, loop: (writer: number) => Promise<void>): Promise<number> => {
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: count }, (_, writer) => loop(writer)));
  return seconds(started);
};

export default async function run(): Promise<BenchRow[]> {
  const schema = `efbench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: URL_, max: WRITERS });
  await admin.query(`create schema "${schema}"`);
  const store = createPostgresStore({ connectionString: URL_, schema, source: 'bench', poolSize: WRITERS });
  await store.ready();
  const raw = await openRaw(admin, schema);
  const emmett = await openEmmett(admin);
  const rows: BenchRow[] = [];
  try {
    rows.push(...(await singleWriter(store, raw, emmett.store, 1, 2000)));
    rows.push(...(await singleWriter(store, raw, emmett.store, 10, 1000)));
    rows.push(...(await concurrentWriters(store, raw, emmett.store)));
    rows.push(...(await rehydrate(store, raw, emmett.store)));
    rows.push(await catchUp(store, admin, schema));
  } finally {
    await store.close();
    await emmett.dispose();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  }
  return rows;
}

const singleWriter = async (
  store: PostgresEventStore,
  raw: Raw,
  emmett: Emmett,
  perAppend: number,
  count: number,
): Promise<BenchRow[]> => {
  const batch = (seed: number) => Array.from({ length: perAppend }, (_, index) => newEvent(seed + index));
  const emmettBatch = (seed: number) => batch(seed).map((event) => ({ type: event.type, data: event.data }));
  // Warm-up, so no side pays for JIT compilation or first-time planning inside the measurement.
  await measure(200, (index) => store.append(`warm-${perAppend}-${index % 10}`, batch(index)));
  await measure(200, (index) => raw.append(`warm-${perAppend}-${index % 10}`, perAppend, index));
  await measure(100, (index) => emmett.appendToStream(`warm-${perAppend}-${index % 10}`, emmettBatch(index)));
  const [eventfold = 0, baseline = 0, other = 0] = await interleaved(10, count / 10, [
    (index) => store.append(`single-${perAppend}-${index % 100}`, batch(index)),
    (index) => raw.append(`single-${perAppend}-${index % 100}`, perAppend, index),
    (index) => emmett.appendToStream(`single-${perAppend}-${index % 100}`, emmettBatch(index)),
  ]);
  const name = `append ${perAppend} event${perAppend > 1 ? 's' : ''}/append, 1 writer`;
  return [
    {
      group: 'postgres',
      name,
      rate: eventfold * perAppend,
      unit: 'events/s',
      baseline: 'raw pg: 1 INSERT per transaction',
      baselineRate: baseline * perAppend,
      target: 0.8,
    },
    {
      group: 'postgres',
      name: `${name} vs Emmett`,
      rate: eventfold * perAppend,
      unit: 'events/s',
      baseline: 'emmett appendToStream',
      baselineRate: other * perAppend,
    },
  ];
};

/** 8 async loops, each on its own streams; raw gets 8 pooled connections, one transaction per append. */
const concurrentWriters = async (
  store: PostgresEventStore,
  raw: Raw,
  emmett: Emmett,
): Promise<BenchRow[]> => {
  const perWriter = 600;
  const loopOn =
    (append: (streamId: string, index: number) => Promise<unknown>, count: number) =>
    async (writer: number): Promise<void> => {
      for (let index = 0; index < count; index += 1) await append(`writer-${writer}-${index % 10}`, index);
    };
  const eventfoldAppend = (streamId: string, index: number) => store.append(streamId, [newEvent(index)]);
  const rawAppend = (streamId: string, index: number) => raw.append(`raw-${streamId}`, 1, index);
  const emmettAppend = (streamId: string, index: number) =>
    emmett.appendToStream(streamId, [{ type: 'ItemAdded', data: payload(index) }]);
  await parallel(WRITERS, loopOn(eventfoldAppend, 50));
  await parallel(WRITERS, loopOn(rawAppend, 50));
  await parallel(WRITERS, loopOn(emmettAppend, 50));
  // Alternating rounds, as in `interleaved`, each round running the 8 writers of one contender.
  const spent = [0, 0, 0];
  const rounds = 5;
  for (let round = 0; round < rounds; round += 1)
    for (const [which, append] of [eventfoldAppend, rawAppend, emmettAppend].entries())
      spent[which] = (spent[which] ?? 0) + (await parallel(WRITERS, loopOn(append, perWriter / rounds)));
  const [eventfold = 0, baseline = 0, other = 0] = spent.map((time) => (WRITERS * perWriter) / time);
  return [
    {
      group: 'postgres',
      name: '8 concurrent writers, 1 event/append',
      rate: eventfold,
      unit: 'appends/s',
      baseline: 'raw pg: 8 connections, 1 transaction per append',
      baselineRate: baseline,
      target: 1,
      note: 'group commit: appends queued while a batch commits share the next statement and commit',
    },
    {
      group: 'postgres',
      name: '8 concurrent writers vs Emmett',
      rate: eventfold,
      unit: 'appends/s',
      baseline: 'emmett appendToStream',
      baselineRate: other,
    },
  ];
};

/** readStream of a 1,000-event stream vs SELECT + JSON parse of the same rows. */
const rehydrate = async (store: PostgresEventStore, raw: Raw, emmett: Emmett): Promise<BenchRow[]> => {
  for (let chunk = 0; chunk < 10; chunk += 1) {
    const events = Array.from({ length: 100 }, (_, index) => newEvent(chunk * 100 + index));
    await store.append('big', events);
    await raw.append('big', 100, chunk * 100);
    await emmett.appendToStream(
      'big',
      events.map((event) => ({ type: event.type, data: event.data })),
    );
  }
  const read = async (): Promise<number> => (await store.readStream('big')).length;
  const rawRead = (): Promise<number> => raw.readStream('big');
  const emmettRead = async (): Promise<number> => (await emmett.readStream('big')).events.length;
  await measure(30, read);
  await measure(30, rawRead);
  await measure(30, emmettRead);
  const [eventfold = 0, baseline = 0, other = 0] = await interleaved(10, 20, [read, rawRead, emmettRead]);
  return [
    {
      group: 'postgres',
      name: 'rehydrate a 1,000-event stream',
      rate: eventfold * 1000,
      unit: 'events/s',
      baseline: 'raw pg: SELECT by stream + JSON parse',
      baselineRate: baseline * 1000,
      // "within 1.3× the raw read time" as a rate ratio.
      target: 1 / 1.3,
    },
    {
      group: 'postgres',
      name: 'rehydrate a 1,000-event stream vs Emmett',
      rate: eventfold * 1000,
      unit: 'events/s',
      baseline: 'emmett readStream',
      baselineRate: other * 1000,
    },
  ];
};

/**
 * 100,000 events written by 8 concurrent writers (on separate pools, so their commits interleave),
 * then subscribe() from 0 until caught up, checking every position arrives exactly once. Baseline:
 * one SELECT of the same rows from the event table + JSON parse (what raw read-all costs).
 */
const catchUp = async (store: PostgresEventStore, admin: pg.Pool, schema: string): Promise<BenchRow> => {
  const total = 100_000;
  const perAppend = 10;
  const before = await store.headPosition();
  const writers = Array.from({ length: WRITERS }, () =>
    createPostgresStore({ connectionString: URL_, schema, source: 'bench', poolSize: 2 }),
  );
  const perWriter = total / WRITERS / perAppend;
  await Promise.all(
    writers.map(async (writer, index) => {
      for (let round = 0; round < perWriter; round += 1)
        await writer.append(
          `seed-${index}-${round % 100}`,
          Array.from({ length: perAppend }, (_, n) => newEvent(round * perAppend + n)),
        );
    }),
  );
  for (const writer of writers) await writer.close();
  const head = await store.headPosition();

  let missed = 0;
  let duplicated = 0;
  let delivered = 0;
  let expected = before + 1;
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const subscription = store.subscribe({
      after: before,
      onEvents: (events) => {
        for (const event of events) {
          if (event.position < expected) duplicated += 1;
          else {
            missed += event.position - expected;
            expected = event.position + 1;
          }
          delivered += 1;
        }
      },
      onCaughtUp: (position) => {
        if (position >= head) void subscription.stop().then(resolve);
      },
      onError: reject,
    });
  });
  const rate = delivered / seconds(started);
  const rawStarted = process.hrtime.bigint();
  const { rows } = await admin.query<{ data: { qty: number } }>(
    `select position, id, stream_id, revision, type, data, metadata, tags, time from "${schema}".events where position > $1 order by position`,
    [before],
  );
  const baseline = rows.length / seconds(rawStarted);
  return {
    group: 'postgres',
    name: 'catch-up of 100,000 events (8 concurrent writers) via subscribe()',
    rate,
    unit: 'events/s',
    baseline: 'raw pg: one SELECT of all rows + JSON parse',
    baselineRate: baseline,
    target: 0.5,
    note: `delivered ${delivered}/${head - before}, missed ${missed}, duplicated ${duplicated}`,
  };
};

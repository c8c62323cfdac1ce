/**
 * SQLite event store against raw better-sqlite3 on an equivalent table, measured in the same run
 * on temp files with the same pragmas (WAL, synchronous=FULL unless a row says NORMAL).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type EventStore, isConcurrencyError, type NewEvent } from 'eventfold';
import { createSqliteStore, type SqliteDurability, type SqliteEventStore } from 'eventfold/sqlite';
import { type BenchRow, measure } from './report.js';

const RAW_TABLE = `
CREATE TABLE raw_events (
  position INTEGER PRIMARY KEY NOT NULL,
  event_id TEXT NOT NULL UNIQUE,
  stream_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  metadata TEXT NOT NULL,
  tags TEXT NOT NULL,
  time TEXT NOT NULL,
  source TEXT NOT NULL,
  UNIQUE (stream_id, revision)
)`;

const payload = (index: number) => ({
  orderId: `order-${index}`,
  amountCents: 1999 + index,
  sku: 'SKU-42',
  qty: 3,
});
/** Events are tagged with their stream's entity, as an application tags them for DCB queries. */
const newEvent = (index: number, streamId: string): NewEvent => ({
  type: 'ItemAdded',
  data: payload(index),
  tags: [`entity:${streamId}`],
});

/** Raw baseline: one connection, same pragmas, prepared statements, the work an app would do by hand. */
const openRaw = (path: string, durability: SqliteDurability) => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  db.exec(RAW_TABLE);
  const insert = db.prepare(
    `INSERT INTO raw_events (event_id, stream_id, revision, type, data, metadata, tags, time, source)
     VALUES (?, ?, ?, 'ItemAdded', ?, '{}', ?, ?, 'bench')`,
  );
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const revisions = new Map<string, number>();
  /** One transaction inserting `count` events into `streamId`. */
  const append = (streamId: string, count: number, seed: number): void => {
    let revision = revisions.get(streamId) ?? -1;
    begin.run();
    const time = new Date().toISOString();
    for (let index = 0; index < count; index += 1) {
      revision += 1;
      const event = newEvent(seed + index, streamId);
      insert.run(
        randomUUID(),
        streamId,
        revision,
        JSON.stringify(event.data),
        JSON.stringify(event.tags),
        time,
      );
    }
    commit.run();
    revisions.set(streamId, revision);
  };
  return { db, append };
};

const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/**
 * Rates of two workloads measured in alternating chunks, so both see the same machine: the CPU is
 * shared with other work, and measuring one side after the other would compare two different loads.
 * Each side is called with a running index and must complete `chunk` operations per call.
 */
const interleaved = async (
  rounds: number,
  chunk: number,
  eventfold: (start: number) => Promise<void> | void,
  baseline: (start: number) => Promise<void> | void,
): Promise<{ eventfold: number; baseline: number }> => {
  let eventfoldSeconds = 0;
  let baselineSeconds = 0;
  for (let round = 0; round < rounds; round += 1) {
    let started = process.hrtime.bigint();
    await eventfold(round * chunk);
    eventfoldSeconds += seconds(started);
    started = process.hrtime.bigint();
    await baseline(round * chunk);
    baselineSeconds += seconds(started);
  }
  return { eventfold: (rounds * chunk) / eventfoldSeconds, baseline: (rounds * chunk) / baselineSeconds };
};

/** Runs `operation` for indexes start … start + count - 1, one after another. */
const sequence =
  (count: number, operation: (index: number) => unknown) =>
  async (start: number): Promise<void> => {
    for (let index = start; index < start + count; index += 1) await operation(index);
  };

export default async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'eventfold-bench-sqlite-'));
  let files = 0;
  const file = (): string => {
    files += 1;
    return join(dir, `db-${files}.sqlite`);
  };
  const stores: EventStore[] = [];
  const open = (durability: SqliteDurability = 'full', path = file()): SqliteEventStore => {
    const store = createSqliteStore({ path, durability, source: 'bench' });
    stores.push(store);
    return store;
  };
  const rows: BenchRow[] = [];
  try {
    const singleWriter = async (durability: SqliteDurability, count: number, perAppend: number) => {
      const store = open(durability);
      const raw = openRaw(file(), durability);
      const batch = (seed: number, streamId: string) =>
        Array.from({ length: perAppend }, (_, index) => newEvent(seed + index, streamId));
      // Warm-up, so neither side pays for JIT compilation inside the measurement.
      await measure(200, (index) => store.append(`warm-${index % 10}`, batch(index, `warm-${index % 10}`)));
      await measure(200, (index) => raw.append(`warm-${index % 10}`, perAppend, index));
      const rounds = 10;
      const chunk = count / rounds;
      const rates = await interleaved(
        rounds,
        chunk,
        sequence(chunk, (index) =>
          store.append(`stream-${index % 100}`, batch(index, `stream-${index % 100}`), {
            expectedRevision: 'any',
          }),
        ),
        sequence(chunk, (index) => raw.append(`stream-${index % 100}`, perAppend, index)),
      );
      raw.db.close();
      return { eventfold: rates.eventfold * perAppend, baseline: rates.baseline * perAppend };
    };

    const one = await singleWriter('full', 3000, 1);
    rows.push({
      group: 'sqlite',
      name: 'append 1 event/append, 1 writer (FULL)',
      rate: one.eventfold,
      unit: 'events/s',
      baseline: 'raw: 1 INSERT per transaction',
      baselineRate: one.baseline,
      target: 0.7,
      note: 'durability full: WAL + synchronous=FULL, one fsync per commit',
    });
    const ten = await singleWriter('full', 2000, 10);
    rows.push({
      group: 'sqlite',
      name: 'append 10 events/append, 1 writer (FULL)',
      rate: ten.eventfold,
      unit: 'events/s',
      baseline: 'raw: 10 INSERTs per transaction',
      baselineRate: ten.baseline,
      target: 0.7,
    });
    const normal = await singleWriter('normal', 10_000, 1);
    rows.push({
      group: 'sqlite',
      name: 'append 1 event/append, 1 writer (NORMAL)',
      rate: normal.eventfold,
      unit: 'events/s',
      baseline: 'raw: 1 INSERT per transaction',
      baselineRate: normal.baseline,
      note: 'no fsync per commit, so SQL cost shows: an append writes 5 B-tree pages (events, 3 indexes, tag; the stream row only when the stream is new), raw 3',
    });

    rows.push(await concurrentWriters(open, file));
    rows.push(await rehydrate(open, file));
    rows.push(await catchUp(open, file));
    rows.push(await racing(open, file));
  } finally {
    for (const store of stores) await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

type Open = (durability?: SqliteDurability, path?: string) => SqliteEventStore;

/** 8 async loops on one store, each on its own streams: group commit shares fsyncs between them. */
const concurrentWriters = async (open: Open, file: () => string): Promise<BenchRow> => {
  const store = open();
  const writers = 8;
  const loop = async (writer: number, count: number): Promise<void> => {
    for (let index = 0; index < count; index += 1)
      await store.append(`writer-${writer}-${index % 10}`, [
        newEvent(index, `writer-${writer}-${index % 10}`),
      ]);
  };
  await Promise.all(Array.from({ length: writers }, (_, writer) => loop(writer, 50)));
  const raw = openRaw(file(), 'full');
  const rounds = 8;
  const perRound = 1000;
  const rates = await interleaved(
    rounds,
    perRound,
    async () => {
      await Promise.all(Array.from({ length: writers }, (_, writer) => loop(writer, perRound / writers)));
    },
    sequence(perRound, (index) => raw.append(`stream-${index % 100}`, 1, index)),
  );
  raw.db.close();
  return {
    group: 'sqlite',
    name: '8 concurrent writers, 1 event/append (FULL)',
    rate: rates.eventfold,
    unit: 'appends/s',
    baseline: 'raw: 1 transaction per append',
    baselineRate: rates.baseline,
    target: 1,
    note: 'group commit: appends queued while a commit runs share the next one',
  };
};

/** readStream of a 1,000-event stream vs SELECT + JSON.parse of the same rows. */
const rehydrate = async (open: Open, file: () => string): Promise<BenchRow> => {
  const store = open();
  const raw = openRaw(file(), 'full');
  for (let chunk = 0; chunk < 10; chunk += 1) {
    await store.append(
      'big',
      Array.from({ length: 100 }, (_, index) => newEvent(chunk * 100 + index, 'big')),
    );
    raw.append('big', 100, chunk * 100);
  }
  const select = raw.db.prepare(
    'SELECT position, event_id, revision, data, metadata, tags, time FROM raw_events WHERE stream_id = ? ORDER BY revision',
  );
  const rawRead = (): number => {
    const found = select.all('big') as { data: string }[];
    let total = 0;
    for (const row of found) total += (JSON.parse(row.data) as { qty: number }).qty;
    return total;
  };
  const read = async (): Promise<number> => (await store.readStream('big')).length;
  await measure(50, read);
  await measure(50, rawRead);
  const rates = await interleaved(10, 50, sequence(50, read), sequence(50, rawRead));
  raw.db.close();
  return {
    group: 'sqlite',
    name: 'rehydrate a 1,000-event stream',
    rate: rates.eventfold * 1000,
    unit: 'events/s',
    baseline: 'raw: SELECT by stream + JSON.parse(data)',
    baselineRate: rates.baseline * 1000,
    target: 0.5,
  };
};

/** subscribe() from 0 over 100,000 events until caught up, vs SELECT of all rows + JSON.parse. */
const catchUp = async (open: Open, file: () => string): Promise<BenchRow> => {
  const total = 100_000;
  const store = open('normal');
  const raw = openRaw(file(), 'normal');
  // Seeding is not measured: 1,000 appends of 100 events, group-committed; raw in one transaction.
  await Promise.all(
    Array.from({ length: total / 100 }, (_, chunk) =>
      store.append(
        `seed-${chunk}`,
        Array.from({ length: 100 }, (_, index) => newEvent(chunk * 100 + index, `seed-${chunk}`)),
      ),
    ),
  );
  const insert = raw.db.prepare(
    `INSERT INTO raw_events (event_id, stream_id, revision, type, data, metadata, tags, time, source)
     VALUES (?, ?, ?, 'ItemAdded', ?, '{}', ?, ?, 'bench')`,
  );
  raw.db.transaction(() => {
    const time = new Date().toISOString();
    for (let chunk = 0; chunk < total / 100; chunk += 1) {
      for (let index = 0; index < 100; index += 1) {
        const event = newEvent(chunk * 100 + index, `seed-${chunk}`);
        insert.run(
          randomUUID(),
          `seed-${chunk}`,
          index,
          JSON.stringify(event.data),
          JSON.stringify(event.tags),
          time,
        );
      }
    }
  })();
  const subscribeAll = (): Promise<number> =>
    new Promise((resolve, reject) => {
      let delivered = 0;
      const subscription = store.subscribe({
        onEvents: (events) => {
          delivered += events.length;
        },
        onCaughtUp: () => {
          void subscription.stop().then(() => resolve(delivered));
        },
        onError: reject,
      });
    });
  const rawAll = raw.db.prepare(
    'SELECT position, event_id, stream_id, revision, type, data, time FROM raw_events ORDER BY position',
  );
  const rawRead = (): number => {
    let sum = 0;
    for (const row of rawAll.all() as { data: string }[])
      sum += (JSON.parse(row.data) as { qty: number }).qty;
    return sum;
  };
  rawRead();
  let delivered = 0;
  const rates = await interleaved(
    3,
    total,
    async () => {
      delivered = await subscribeAll();
    },
    () => {
      rawRead();
    },
  );
  raw.db.close();
  return {
    group: 'sqlite',
    name: 'catch-up of 100,000 events via subscribe()',
    rate: rates.eventfold,
    unit: 'events/s',
    baseline: 'raw: SELECT all rows + JSON.parse(data)',
    baselineRate: rates.baseline,
    target: 0.5,
    note: `each pass delivered ${delivered} events, in batches of 1,000 (file seeded with durability normal; reads do not depend on it)`,
  };
};

/** N writers over 4 connections race on one stream with the same expectedRevision, round after round. */
const racing = async (open: Open, file: () => string): Promise<BenchRow> => {
  const path = file();
  const connections = Array.from({ length: 4 }, () => open('full', path));
  const writers = 8;
  const rounds = 100;
  let correct = 0;
  const started = process.hrtime.bigint();
  for (let round = 0; round < rounds; round += 1) {
    const outcomes = await Promise.allSettled(
      Array.from({ length: writers }, (_, writer) =>
        (connections[writer % connections.length] as SqliteEventStore).append(
          'contested',
          [{ type: 'Claimed', data: { round, writer } }],
          { expectedRevision: round === 0 ? 'no-stream' : round - 1 },
        ),
      ),
    );
    const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
    const losersTyped = outcomes.every(
      (outcome) => outcome.status === 'fulfilled' || isConcurrencyError(outcome.reason),
    );
    if (winners === 1 && losersTyped) correct += 1;
  }
  const rate = rounds / seconds(started);
  const stored = await (connections[0] as SqliteEventStore).readStream('contested');
  return {
    group: 'sqlite',
    name: `racing appends: ${writers} writers, 4 connections, same expectedRevision`,
    rate,
    unit: 'rounds/s',
    note: `correct rounds ${correct}/${rounds} (one winner, typed ConcurrencyError for the rest); stream holds ${stored.length}`,
  };
};

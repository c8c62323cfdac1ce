/**
 * Queued commands on SQLite, in process (no HTTP): how fast commands are durably accepted and how
 * fast the workers turn them into events, next to what the same file can do for plain writes —
 * raw better-sqlite3 with one transaction per insert, and the store's own 8-writer append rate —
 * all measured in the same run, synchronous=FULL everywhere.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  type CommandQueue,
  type CommandRecord,
  createCommandQueue,
  type Decider,
  defineCommand,
  type Message,
} from 'eventfold';
import { createSqliteCommandLog, createSqliteStore, type SqliteEventStore } from 'eventfold/sqlite';
import type { BenchRow } from './report.js';

const WRITERS = 8;
const RAW_INSERTS = 1_000;
const APPENDS = 4_000;
const COMMANDS = 4_000;
const KEYS = 200;

type Deposit = Message<'Deposit', { accountId: string; amountCents: number }>;
type Deposited = Message<'Deposited', { amountCents: number; balanceCents: number }>;
const account: Decider<Deposit, Deposited, { readonly balanceCents: number }> = {
  initialState: () => ({ balanceCents: 0 }),
  evolve: (state, event) => (event.type === 'Deposited' ? { balanceCents: event.data.balanceCents } : state),
  decide: (command, state) => [
    {
      type: 'Deposited',
      data: {
        amountCents: command.data.amountCents,
        balanceCents: state.balanceCents + command.data.amountCents,
      },
    },
  ],
};
const deposit = (index: number): Deposit => ({
  type: 'Deposit',
  data: { accountId: `acct-${index % KEYS}`, amountCents: 100 + (index % 7) },
});

const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/** Runs `count` operations from `writers` concurrent loops; returns operations per second. */
const concurrently = async (
  count: number,
  writers: number,
  operation: (index: number) => Promise<unknown>,
) => {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await operation(index);
      }
    }),
  );
  return count / seconds(started);
};

/** Baseline: one INSERT per transaction, WAL + synchronous=FULL, as an application would write it. */
const rawInsertRate = (path: string): number => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE raw_events (position INTEGER PRIMARY KEY, stream_id TEXT, type TEXT, data TEXT)');
  const insert = db.prepare('INSERT INTO raw_events (stream_id, type, data) VALUES (?, ?, ?)');
  const started = process.hrtime.bigint();
  for (let index = 0; index < RAW_INSERTS; index += 1)
    insert.run(`acct-${index % KEYS}`, 'Deposited', JSON.stringify({ amountCents: index }));
  const rate = RAW_INSERTS / seconds(started);
  db.close();
  return rate;
};

const storeAppendRate = async (store: SqliteEventStore): Promise<number> =>
  concurrently(APPENDS, WRITERS, (index) =>
    store.append(`bench-${index % KEYS}`, [{ type: 'Appended', data: { amountCents: index } }]),
  );

/**
 * Waits until every command is final: keys are processed in arrival order, so it is enough to
 * wait for the newest command of each key (the queue wakes each waiter on its completion).
 */
const allFinal = async (queue: CommandQueue, records: readonly CommandRecord[]): Promise<void> => {
  const lastOfKey = new Map<string, CommandRecord>();
  for (const record of records) {
    const last = lastOfKey.get(record.partitionKey);
    if (!last || last.seq < record.seq) lastOfKey.set(record.partitionKey, record);
  }
  await Promise.all([...lastOfKey.values()].map((record) => queue.waitFor(record.commandId, 120_000)));
};

const countSucceeded = async (queue: CommandQueue, records: readonly CommandRecord[]): Promise<number> => {
  let succeeded = 0;
  for (const record of records)
    if ((await queue.status(record.commandId))?.status === 'succeeded') succeeded += 1;
  return succeeded;
};

export default async function run(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'eventfold-bench-queue-'));
  try {
    const raw = rawInsertRate(join(dir, 'raw.db'));
    const store = createSqliteStore({ path: join(dir, 'events.db') });
    const log = createSqliteCommandLog({ store });
    const deposits = defineCommand({
      type: 'Deposit',
      decider: account,
      streamId: (c: Deposit) => c.data.accountId,
    });
    const queue = createCommandQueue({ store, log, commands: [deposits], concurrency: 8 });
    try {
      const appendRate = await storeAppendRate(store);

      // 1. Durable acceptance only (workers stopped): what answers 202.
      const records: CommandRecord[] = [];
      const enqueueRate = await concurrently(COMMANDS, WRITERS, async (index) => {
        records.push((await queue.enqueue(deposit(index))).record);
      });

      // 2. Draining that backlog: load state, decide, commit events + outcome.
      const drainStarted = process.hrtime.bigint();
      await queue.start();
      await allFinal(queue, records);
      const processRate = COMMANDS / seconds(drainStarted);
      const succeeded = await countSucceeded(queue, records);

      // 3. Both at once: accept and process a second burst while workers run.
      const second: CommandRecord[] = [];
      const bothStarted = process.hrtime.bigint();
      await concurrently(COMMANDS, WRITERS, async (index) => {
        second.push((await queue.enqueue(deposit(index))).record);
      });
      await allFinal(queue, second);
      const endToEndRate = COMMANDS / seconds(bothStarted);
      const events = (await store.readAll()).filter((event) => event.type === 'Deposited').length;
      const expected = 2 * COMMANDS;

      const baseline = 'raw better-sqlite3, 1 tx/insert';
      const note = `${KEYS} keys, ${WRITERS} writers, synchronous=FULL`;
      return [
        {
          group: 'queue-sqlite',
          name: 'store append, 8 writers (reference)',
          rate: appendRate,
          unit: 'appends/s',
          baseline,
          baselineRate: raw,
          note,
        },
        {
          group: 'queue-sqlite',
          name: 'enqueue (durable, 202-ready)',
          rate: enqueueRate,
          unit: 'cmds/s',
          baseline,
          baselineRate: raw,
          note,
        },
        {
          group: 'queue-sqlite',
          name: 'process backlog (decide + events + outcome)',
          rate: processRate,
          unit: 'cmds/s',
          baseline,
          baselineRate: raw,
          note: `concurrency 8, ${succeeded}/${COMMANDS} succeeded`,
        },
        {
          group: 'queue-sqlite',
          name: 'enqueue + process together',
          rate: endToEndRate,
          unit: 'cmds/s',
          baseline,
          baselineRate: raw,
          note: `events ${events}/${expected} (must match)`,
        },
      ];
    } finally {
      await queue.stop();
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

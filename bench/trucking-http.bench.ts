// Great Plains Trucking over HTTP on loopback, with autocannon: the server runs in a child process
// (`apps/trucking/src/main.ts`, as `npm start` runs it; SQLite durability FULL, then NORMAL) so the load
// generator never shares its event loop. Baselines measured in the same run: a no-op Fastify route
// (also a child process) for the accept path, and the SQLite store's 8-writer append rate for the
// processing path.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSqliteStore, type SqliteDurability } from 'eventfold/sqlite';
import pg from 'pg';
import type { BenchRow } from './report.js';
import { startTruckingServer } from './trucking-server.js';

interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly duration: number;
  readonly statusCodeStats: Readonly<Record<string, { readonly count: number }>>;
  readonly errors: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
// autocannon ships no types; this is the slice of its programmatic API the bench uses.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const root = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = 6;

const NOOP_SERVER = `
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.post('/noop', async (_request, reply) => reply.status(202).send({ status: 'accepted' }));
await app.listen({ port: 0, host: '127.0.0.1' });
console.log('listening at http://127.0.0.1:' + app.server.address().port);
`;

/** Spawns a server and resolves with its base URL once it prints "listening at …". */
const startChild = (args: readonly string[], env: Record<string, string>) =>
  new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });

/** A port free right now: the trucking server logs at `warn` in the bench, so it is told its port. */
const stop = async (child: ChildProcess): Promise<void> => {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};

const count = (result: AutocannonResult, status: number): number =>
  result.statusCodeStats[status]?.count ?? 0;

const shipment = JSON.stringify({
  customerId: 'BENCH',
  pickupAddress: '1 Depot Rd, Omaha, NE',
  destinationAddress: '9 Main St, Wichita, KS',
  weightKg: 1200,
});

const load = (url: string, connections: number, body: string, seconds = SECONDS) =>
  autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    duration: seconds,
  });

/** The store's raw capacity for the processing target: 8 async writers, 1 event per append. */
const storeEightWriterRate = async (dir: string, durability: SqliteDurability): Promise<number> => {
  const store = createSqliteStore({ path: join(dir, `baseline-${durability}.sqlite`), durability });
  let appends = 0;
  const deadline = Date.now() + 4_000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 8 }, async (_, writer) => {
      for (let index = 0; Date.now() < deadline; index += 1) {
        await store.append(`writer-${writer}-${index % 100}`, [{ type: 'Appended', data: { index } }]);
        appends += 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  return appends / seconds;
};

const head = async (url: string): Promise<number> => {
  const body = (await (await fetch(`${url}/projections`)).json()) as { items: { head: number }[] };
  return body.items[0]?.head ?? 0;
};

/**
 * After an accept burst the log holds a backlog. Every submit appends one event, so the store's
 * head counts processed commands; a sentinel command enqueued last (workers take keys in arrival
 * order) tells when the backlog is gone.
 */
const drainBacklog = async (url: string): Promise<{ rate: number; commands: number }> => {
  const started = process.hrtime.bigint();
  const before = await head(url);
  const sentinel = (await (
    await fetch(`${url}/shipments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: shipment,
    })
  ).json()) as { commandId: string };
  for (;;) {
    const status = (await (await fetch(`${url}/commands/${sentinel.commandId}`)).json()) as {
      status: string;
    };
    if (status.status !== 'accepted') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const commands = (await head(url)) - before;
  return { rate: commands / (Number(process.hrtime.bigint() - started) / 1e9), commands };
};

const p = (result: AutocannonResult) => `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`;

/** The three trucking workloads on fresh servers with one durability setting. */
const truckingRows = async (
  dir: string,
  durability: SqliteDurability,
  noop: AutocannonResult,
): Promise<BenchRow[]> => {
  const label = durability.toUpperCase();
  const appendRate = await storeEightWriterRate(dir, durability);

  // Processing: every request waits for its command's outcome, so the rate is the rate at which
  // commands are decided and committed (with their outcome), and the latency is `?wait=true`'s.
  const processing = await startTruckingServer(join(dir, `wait-${durability}`), {
    SQLITE_DURABILITY: durability,
  });
  await load(`${processing.url}/shipments?wait=true`, 16, shipment, 2); // warm-up
  const waited = await load(`${processing.url}/shipments?wait=true`, 32, shipment);
  // At a moderate load: what a client waiting for its outcome sees when the server keeps up.
  const moderate = await load(`${processing.url}/shipments?wait=true`, 8, shipment, 4);
  await stop(processing.child);

  // Accepting: 202 once the command is committed in the log (group-committed).
  const accepting = await startTruckingServer(join(dir, `accept-${durability}`), {
    SQLITE_DURABILITY: durability,
  });
  await load(`${accepting.url}/shipments`, 16, shipment, 2); // warm-up
  const accepted = await load(`${accepting.url}/shipments`, 50, shipment);
  const drain = await drainBacklog(accepting.url);
  await stop(accepting.child);

  return [
    {
      group: 'trucking http',
      name: `POST /shipments accepted (202), 50 conn, ${label}`,
      rate: count(accepted, 202) / accepted.duration,
      unit: 'req/s',
      baseline: 'no-op Fastify route',
      baselineRate: count(noop, 202) / noop.duration,
      target: 0.5,
      note: `${p(accepted)}; no-op ${p(noop)}; errors ${accepted.errors}`,
    },
    {
      group: 'trucking http',
      name: `POST /shipments?wait=true processed (200), 32 conn, ${label}`,
      rate: count(waited, 200) / waited.duration,
      unit: 'cmd/s',
      baseline: `SQLite store, 8 writers, 1 event/append, ${label}`,
      baselineRate: appendRate,
      target: 0.5,
      note: `${p(waited)}; non-200 ${waited.requests.total - count(waited, 200)}`,
    },
    {
      group: 'trucking http',
      name: `backlog drained by the workers (no HTTP load), ${label}`,
      rate: drain.rate,
      unit: 'cmd/s',
      baseline: `SQLite store, 8 writers, 1 event/append, ${label}`,
      baselineRate: appendRate,
      target: 0.5,
      note: `${drain.commands} commands queued after the accept run`,
    },
    {
      group: 'trucking http',
      name: `POST /shipments?wait=true latency, 8 conn, ${label}`,
      rate: count(moderate, 200) / moderate.duration,
      unit: 'cmd/s',
      note: `${p(moderate)} (target p99 < 50 ms)${moderate.latency.p99 < 50 ? '' : ' MISSED'}`,
    },
  ];
};

/** `DATABASE_URL` mode: one node on a fresh schema of the local PostgreSQL (dropped afterwards). */
const postgresRows = async (dir: string): Promise<BenchRow[]> => {
  const url = process.env.TRUCKING_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `trucking_bench_${process.pid}_${Date.now()}`;
  try {
    const server = await startTruckingServer(join(dir, 'pg'), { DATABASE_URL: url, DATABASE_SCHEMA: schema });
    await load(`${server.url}/shipments?wait=true`, 8, shipment, 2); // warm-up
    const waited = await load(`${server.url}/shipments?wait=true`, 32, shipment, 5);
    const accepted = await load(`${server.url}/shipments`, 50, shipment, 5);
    await stop(server.child);
    return [
      {
        group: 'trucking http',
        name: 'POST /shipments accepted (202), 50 conn, PostgreSQL',
        rate: count(accepted, 202) / accepted.duration,
        unit: 'req/s',
        note: p(accepted),
      },
      {
        group: 'trucking http',
        name: 'POST /shipments?wait=true processed (200), 32 conn, PostgreSQL',
        rate: count(waited, 200) / waited.duration,
        unit: 'cmd/s',
        note: p(waited),
      },
    ];
  } finally {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
};

export default async function run(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'trucking-bench-'));
  try {
    const noopServer = await startChild(['--input-type=module', '-e', NOOP_SERVER], {});
    const noop = await load(`${noopServer.url}/noop`, 50, shipment);
    await stop(noopServer.child);
    // FULL is what `npm start` runs; NORMAL survives a process crash but not a power loss.
    return [
      ...(await truckingRows(dir, 'full', noop)),
      ...(await truckingRows(dir, 'normal', noop)),
      ...(await postgresRows(dir)),
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

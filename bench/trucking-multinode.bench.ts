// Great Plains Trucking on PostgreSQL with 1, 2 and 3 server processes on one schema, no proxy:
// autocannon clients spread the load evenly over the nodes (32 connections in all), each request
// `POST /shipments?wait=true`, so a 200 is a command processed (decided, events and outcome
// committed). The single-node figure is the baseline of the multi-node rows.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BenchRow } from './report.js';
import { startTruckingServer } from './trucking-server.js';

interface AutocannonResult {
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly duration: number;
  readonly statusCodeStats: Readonly<Record<string, { readonly count: number }>>;
}
// autocannon ships no types; this is the slice of its programmatic API the bench uses.
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: Record<string, unknown>,
) => Promise<AutocannonResult>;

const SECONDS = 5;
const CONNECTIONS = 32;

/** SIGTERM drains and closes the node's sessions (a killed node's session could hold locks the drop waits on). */
const stopNode = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
};

const shipment = JSON.stringify({
  customerId: 'BENCH',
  pickupAddress: '1 Depot Rd, Omaha, NE',
  destinationAddress: '9 Main St, Wichita, KS',
  weightKg: 1200,
});

/** Loads every node at once, the connections split evenly; returns processed commands per second. */
const loadAll = async (urls: readonly string[], seconds: number) => {
  const results = await Promise.all(
    urls.map((url) =>
      autocannon({
        url: `${url}/shipments?wait=true`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: shipment,
        connections: Math.ceil(CONNECTIONS / urls.length),
        duration: seconds,
      }),
    ),
  );
  const processed = results.reduce((sum, result) => sum + (result.statusCodeStats['200']?.count ?? 0), 0);
  const duration = Math.max(...results.map((result) => result.duration));
  const p99 = Math.max(...results.map((result) => result.latency.p99));
  const p50 = Math.max(...results.map((result) => result.latency.p50));
  return { rate: processed / duration, note: `p50 ≤ ${p50} ms, p99 ≤ ${p99} ms` };
};

/** `nodes` servers on a fresh schema (dropped afterwards): the first migrates, the others join. */
const measureNodes = async (dir: string, url: string, nodes: number) => {
  const schema = `trucking_multi_bench_${process.pid}_${nodes}_${Date.now()}`;
  const env = { DATABASE_URL: url, DATABASE_SCHEMA: schema };
  const started: ChildProcess[] = [];
  try {
    const first = await startTruckingServer(join(dir, `n${nodes}-0`), env);
    started.push(first.child);
    const others = await Promise.all(
      Array.from({ length: nodes - 1 }, async (_, index) => {
        const node = await startTruckingServer(join(dir, `n${nodes}-${index + 1}`), env);
        started.push(node.child);
        return node;
      }),
    );
    const urls = [first.url, ...others.map((node) => node.url)];
    await loadAll(urls, 2); // warm-up: JIT, pools, partition leases settled between the nodes
    return await loadAll(urls, SECONDS);
  } finally {
    await Promise.all(started.map(stopNode));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
};

export default async function run(): Promise<BenchRow[]> {
  const url = process.env.TRUCKING_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dir = await mkdtemp(join(tmpdir(), 'eventfold-multinode-bench-'));
  try {
    const single = await measureNodes(dir, url, 1);
    const rows: BenchRow[] = [
      {
        group: 'trucking multi-node',
        name: `POST /shipments?wait=true processed, 1 node, ${CONNECTIONS} conn, PostgreSQL`,
        rate: single.rate,
        unit: 'cmd/s',
        note: single.note,
      },
    ];
    for (const nodes of [2, 3]) {
      const multi = await measureNodes(dir, url, nodes);
      rows.push({
        group: 'trucking multi-node',
        name: `POST /shipments?wait=true processed, ${nodes} nodes, ${CONNECTIONS} conn spread, PostgreSQL`,
        rate: multi.rate,
        unit: 'cmd/s',
        baseline: '1 node',
        baselineRate: single.rate,
        note: multi.note,
      });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

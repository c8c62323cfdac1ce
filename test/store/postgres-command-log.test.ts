import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PartitionLease } from 'eventfold';
import {
  createPostgresCommandLog,
  type PostgresCommandLog,
  type PostgresEventStore,
} from 'eventfold/postgres';
import { describeCommandLogContract } from 'eventfold/testing';
import type { Backend } from '../../src/queue/counter.test-support.js';
import { until } from '../../src/testing/contracts/event-store/support.js';
import { openSchema } from './postgres-support.js';

const childScript = fileURLToPath(new URL('./postgres-lease-child.ts', import.meta.url));

/** A store + command log on a fresh schema; reopen opens new ones (new pools) on the same data. */
const postgresBackend = async (): Promise<Backend> => {
  const schema = openSchema();
  const open = (): Backend => {
    const store = schema.open();
    const log = createPostgresCommandLog({ store, rebalanceMs: 50 });
    return {
      name: 'postgres',
      store,
      log,
      reopen: async () => {
        await log.close();
        await store.close();
        return open();
      },
      dispose: async () => {
        await log.close();
        await schema.dispose();
      },
    };
  };
  return open();
};

describeCommandLogContract({ name: 'postgres', create: postgresBackend });

const logOn = (store: PostgresEventStore): PostgresCommandLog =>
  createPostgresCommandLog({ store, partitionCount: 16, rebalanceMs: 50 });

describe('PostgreSQL command log across nodes', () => {
  it('splits partitions between live nodes, one owner each, and takes over those of a node that dies', async () => {
    const schema = openSchema();
    const [first, second] = [logOn(schema.open()), logOn(schema.open())];
    await schema.open().ready();
    const child = spawn(
      process.execPath,
      ['--conditions=eventfold-source', '--import', 'tsx', childScript, schema.schema],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let childPartitions: number[] = [];
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = String(chunk).trim().split('\n');
      childPartitions = JSON.parse(lines[lines.length - 1] as string) as number[];
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const leases: PartitionLease[] = [];
    try {
      await until(() => childPartitions.length === 16, 'the child to own every partition');
      const a = await first.acquire('node-a');
      leases.push(a);
      await until(() => a.partitions().length === 8 && childPartitions.length === 8, 'an even split');
      assert.deepEqual(
        [...a.partitions(), ...childPartitions].sort((x, y) => x - y),
        Array.from({ length: 16 }, (_, index) => index),
      );
      // The node dies without releasing anything: PostgreSQL frees its locks when its connection drops.
      child.kill('SIGKILL');
      await exited;
      await until(() => a.partitions().length === 16, 'node a to take over');
      const b = await second.acquire('node-b');
      leases.push(b);
      await until(() => a.partitions().length === 8 && b.partitions().length === 8, 'a new split');
      assert.equal(new Set([...a.partitions(), ...b.partitions()]).size, 16);
    } finally {
      child.kill('SIGKILL');
      for (const lease of leases) await lease.release();
      await schema.dispose();
    }
  });

  it('wakes other nodes when commands are enqueued or completed', async () => {
    const schema = openSchema();
    try {
      const [writer, watcher] = [logOn(schema.open()), logOn(schema.open())];
      let wakes = 0;
      const stop = watcher.onForeignChange?.(() => {
        wakes += 1;
      });
      assert.ok(stop);
      // The listener announces itself once connected; count from there.
      await until(() => wakes >= 1, 'the listener to connect');
      const before = wakes;
      await writer.enqueue({ commandId: 'c1', partitionKey: 'k', command: { type: 'Add', data: {} } });
      await until(() => wakes > before, 'a wake-up for the enqueue');
      const afterEnqueue = wakes;
      await writer.complete('c1', { status: 'rejected', error: { code: 'NO', message: 'no', details: [] } });
      await until(() => wakes > afterEnqueue, 'a wake-up for the completion');
      stop();
      await watcher.close();
    } finally {
      await schema.dispose();
    }
  });
});

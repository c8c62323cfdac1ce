import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  createPostgresProjectionOwnership,
  createPostgresTarget,
  type PostgresEventStore,
} from 'eventfold/postgres';
import { until } from '../../src/testing/contracts/event-store/support.js';
import { appliedByNode } from './postgres-ownership-support.js';
import { adminQuery, openSchema } from './postgres-support.js';

const childScript = fileURLToPath(new URL('./postgres-ownership-child.ts', import.meta.url));

const appendEvents = async (store: PostgresEventStore, from: number, count: number): Promise<void> => {
  for (let index = from; index < from + count; index += 1)
    await store.append(`item-${index % 7}`, [{ type: 'Happened', data: { index } }]);
};

test('postgres projection ownership: one of two nodes applies; after a SIGKILL the other takes over, every event once', async () => {
  const schema = openSchema();
  const store = schema.open();
  await store.ready();
  const applied = async () =>
    adminQuery<{ event_id: string; node: string }>(
      `select event_id, node from "${schema.schema}".applied`,
    ).catch(() => []);
  const child = spawn(
    process.execPath,
    ['--conditions=eventfold-source', '--import', 'tsx', childScript, schema.schema],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += String(chunk);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const ownership = createPostgresProjectionOwnership({ store, retryMs: 100 });
  try {
    await until(() => output.includes('started'), 'the child to start');
    // The child is alone: it takes the lock and applies the first event.
    await appendEvents(store, 0, 1);
    let rows: { event_id: string; node: string }[] = [];
    const reach = async (count: number, what: string): Promise<void> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        rows = await applied();
        if (rows.length >= count || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(rows.length >= count, `${what}: ${rows.length} of ${count} applied`);
    };
    await reach(1, 'the child applies');

    // This node stands by: while the child lives, only the child applies.
    const local = ownership.start({
      store,
      projector: appliedByNode('local'),
      target: createPostgresTarget(store),
    });
    await appendEvents(store, 1, 30);
    await reach(31, 'the owner applies');
    await new Promise((resolve) => setTimeout(resolve, 300)); // several standby retries
    rows = await applied();
    assert.equal(rows.length, 31);
    assert.deepEqual([...new Set(rows.map((row) => row.node))], ['child']);
    // Read-your-writes on the standby node follows the owner's checkpoint.
    assert.equal(await local.waitForPosition(await store.headPosition(), 10_000), true);
    assert.equal(local.position(), await store.headPosition());

    // The owner dies without releasing anything: PostgreSQL frees its lock when its session ends.
    child.kill('SIGKILL');
    await exited;
    await appendEvents(store, 31, 30);
    await reach(61, 'the standby takes over');
    assert.equal(await local.waitForPosition(await store.headPosition(), 10_000), true);
    rows = await applied();
    const events = await store.readAll();
    assert.deepEqual(
      rows.map((row) => row.event_id).sort(),
      events.map((event) => event.id).sort(),
      'each event once',
    );
    assert.equal(rows.filter((row) => row.node === 'local').length >= 30, true, 'the events after the kill');
    await local.stop();
  } finally {
    child.kill('SIGKILL');
    await exited;
    await ownership.close();
    await schema.dispose();
  }
});

const lockHolder = `select pid from pg_locks where locktype = 'advisory' and granted
    and classid = (hashtext($1)::bigint & 4294967295)::oid
    and objid = (hashtext('ownership-test')::bigint & 4294967295)::oid`;

test('postgres projection ownership: an owner whose lock connection is cut stops applying; every event still applied once', async () => {
  const schema = openSchema();
  const storeA = schema.open();
  const storeB = schema.open();
  await storeA.ready();
  const a = createPostgresProjectionOwnership({ store: storeA, retryMs: 100 });
  const b = createPostgresProjectionOwnership({ store: storeB, retryMs: 100 });
  try {
    const runA = a.start({
      store: storeA,
      projector: appliedByNode('a'),
      target: createPostgresTarget(storeA),
    });
    await appendEvents(storeA, 0, 5);
    assert.equal(await runA.waitForPosition(await storeA.headPosition(), 10_000), true);
    const runB = b.start({
      store: storeB,
      projector: appliedByNode('b'),
      target: createPostgresTarget(storeB),
    });
    // Cut a's lock session from the server side (as a network failure or an admin would).
    const [holder] = await adminQuery<{ pid: number }>(lockHolder, [
      `eventfold-projections:${schema.schema}`,
    ]);
    assert.ok(holder, 'a holds the projection lock');
    await adminQuery('select pg_terminate_backend($1)', [holder.pid]);
    // The loss is noticed and the lock taken again, by another session (b's, or a's new one).
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [next] = await adminQuery<{ pid: number }>(lockHolder, [
        `eventfold-projections:${schema.schema}`,
      ]);
      if (next && next.pid !== holder.pid) break;
      assert.ok(Date.now() < deadline, 'the projection lock is taken again after the cut');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await appendEvents(storeA, 5, 20);
    const head = await storeA.headPosition();
    // Whichever node holds the lock now (b, or a after reconnecting), both see the read model complete.
    assert.equal(await runB.waitForPosition(head, 15_000), true);
    assert.equal(await runA.waitForPosition(head, 15_000), true);
    const rows = await adminQuery<{ event_id: string }>(`select event_id from "${schema.schema}".applied`);
    const events = await storeA.readAll();
    assert.deepEqual(
      rows.map((row) => row.event_id).sort(),
      events.map((event) => event.id).sort(),
      'each event once',
    );
    await Promise.all([runA.stop(), runB.stop()]);
  } finally {
    await a.close();
    await b.close();
    await schema.dispose();
  }
});

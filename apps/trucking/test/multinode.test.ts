import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { type ServerProcess, startServerProcess } from './server-process.js';

const url = process.env.TRUCKING_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

type Step = 'submit' | 'pay' | 'assign' | 'ship' | 'deliver';
interface Acked {
  readonly commandId: string;
  readonly shipmentId: string;
  readonly type: Step;
}

const post = async (base: string, path: string, body: unknown) => {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
};
const get = async (base: string, path: string) => {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or `ms` passes; returns whether it became true. */
const eventually = async (ms: number, check: () => Promise<boolean>): Promise<boolean> => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
};

/**
 * One shipment's life plus a payment, each request sent to the next live node in turn (no proxy,
 * no stickiness: consecutive commands of one shipment land on different nodes). Stops at the first
 * failed request: its acceptance is unknown, so the shipment's later steps are not sent.
 */
const lifecycle = async (pick: () => string, lane: number, round: number, acked: Acked[]) => {
  const customerId = `C${lane % 4}`;
  const submit = await post(pick(), '/shipments', {
    customerId,
    pickupAddress: 'Depot',
    destinationAddress: 'Farm',
    weightKg: 100 + lane,
  });
  if (submit.status !== 202) throw new Error(`submit answered ${submit.status}`);
  const shipmentId = submit.body.shipmentId as string;
  acked.push({ commandId: submit.body.commandId as string, shipmentId, type: 'submit' });
  const payment = await post(pick(), `/accounts/${customerId}/payments`, {
    paymentId: `pay-${shipmentId}`,
    amountCents: 100,
  });
  if (payment.status !== 202) throw new Error(`payment answered ${payment.status}`);
  acked.push({ commandId: payment.body.commandId as string, shipmentId, type: 'pay' });
  const steps = [
    ['assign', { truckId: `T-${lane}-${round}` }],
    ['ship', {}],
    ['deliver', { signedBy: 'Farmer' }],
  ] as const;
  for (const [type, body] of steps) {
    const answer = await post(pick(), `/shipments/${shipmentId}/${type}`, body);
    if (answer.status !== 202) throw new Error(`${type} answered ${answer.status}`);
    acked.push({ commandId: answer.body.commandId as string, shipmentId, type });
  }
};

test('three nodes on one schema, one SIGKILLed mid-burst: every 202 ends once, in order, one charge per delivery', async () => {
  const schema = `trucking_multi_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'trucking-multinode-'));
  const env = { DATABASE_URL: url, DATABASE_SCHEMA: schema };
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const nodes: ServerProcess[] = [];
  try {
    // The first node migrates the schema; the other two then start together.
    nodes.push(await startServerProcess(dataDir, env));
    // allSettled: a node that did fail to start must not leave its sibling running.
    const others = await Promise.allSettled([
      startServerProcess(dataDir, env),
      startServerProcess(dataDir, env),
    ]);
    for (const other of others) if (other.status === 'fulfilled') nodes.push(other.value);
    for (const other of others) if (other.status === 'rejected') throw other.reason;
    const alive = [true, true, true];
    let turn = 0;
    const pick = (): string => {
      for (;;) {
        const index = turn++ % nodes.length;
        const node = nodes[index];
        if (alive[index] && node) return node.url;
      }
    };

    const acked: Acked[] = [];
    let stop = false;
    const lanes = Array.from({ length: 12 }, async (_, lane) => {
      for (let round = 0; !stop; round += 1) await lifecycle(pick, lane, round, acked).catch(() => undefined);
    });
    // Kill one node while every node has requests in flight and commands queued.
    while (acked.length < 150) await sleep(5);
    const victim = nodes[1] as ServerProcess;
    alive[1] = false;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const atKill = acked.length;
    // Keep the burst going on the two survivors.
    while (acked.length < atKill + 150) await sleep(5);
    stop = true;
    await Promise.all(lanes);
    const survivor = (nodes[0] as ServerProcess).url;

    // Every command in the log (acknowledged or not, charges included) reaches a final outcome:
    // the dead node's partitions were taken over. Then the charges settle: one per delivery.
    const count = async (sql: string): Promise<number> =>
      Number((await db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);
    const settled = await eventually(30_000, async () => {
      const pending = await count(`select count(*) as n from "${schema}".commands where status = 'accepted'`);
      const delivered = await count(
        `select count(*) as n from "${schema}".events where type = 'ShipmentDelivered'`,
      );
      const charged = await count(
        `select count(*) as n from "${schema}".events where type = 'CustomerCharged'`,
      );
      return pending === 0 && charged >= delivered;
    });
    assert.ok(settled, 'commands and charges settle after the kill');

    // Each acknowledged command: one row, succeeded (a survivor answers for it too).
    const commands = new Map(
      (
        await db.query<{ command_id: string; seq: string; status: string }>(
          `select command_id, seq, status from "${schema}".commands`,
        )
      ).rows.map((row) => [row.command_id, { seq: Number(row.seq), status: row.status }]),
    );
    for (const command of acked)
      assert.equal(
        commands.get(command.commandId)?.status,
        'succeeded',
        `${command.type} ${command.commandId}`,
      );
    for (let from = 0; from < acked.length; from += 25)
      await Promise.all(
        acked.slice(from, from + 25).map(async (command) => {
          const answer = await get(survivor, `/commands/${command.commandId}`);
          assert.equal(answer.body.status, 'succeeded', `${command.type} ${command.commandId} on a survivor`);
        }),
      );

    // Each acknowledged command's event is stored once, and a shipment's events follow the order
    // its commands were accepted in (command seq), revisions without gaps.
    const events = (
      await db.query<{
        stream_id: string;
        revision: string;
        type: string;
        command_id: string | null;
        data: string;
      }>(
        `select stream_id, revision, type, metadata::jsonb->>'commandId' as command_id, data::text as data
           from "${schema}".events order by position`,
      )
    ).rows;
    const eventsOf = new Map<string, number>();
    for (const event of events)
      if (event.command_id) eventsOf.set(event.command_id, (eventsOf.get(event.command_id) ?? 0) + 1);
    for (const command of acked)
      assert.equal(eventsOf.get(command.commandId), 1, `${command.type} applied once`);
    const byStream = new Map<string, typeof events>();
    for (const event of events)
      byStream.set(event.stream_id, [...(byStream.get(event.stream_id) ?? []), event]);
    const delivered = new Set<string>();
    for (const shipmentId of new Set(acked.map((command) => command.shipmentId))) {
      const stream = byStream.get(`shipment-${shipmentId}`) ?? [];
      assert.deepEqual(
        stream.map((event) => Number(event.revision)),
        stream.map((_, index) => index),
      );
      const seqs = stream.map((event) => commands.get(event.command_id ?? '')?.seq ?? -1);
      assert.deepEqual(
        seqs,
        [...seqs].sort((a, b) => a - b),
        `shipment ${shipmentId} applied in acceptance order`,
      );
      const order = acked.filter((command) => command.shipmentId === shipmentId && command.type !== 'pay');
      assert.deepEqual(
        stream.slice(0, order.length).map((event) => event.command_id),
        order.map((command) => command.commandId),
      );
      if (stream.some((event) => event.type === 'ShipmentDelivered')) delivered.add(shipmentId);
    }
    assert.ok(delivered.size > 0, 'shipments were delivered');

    // No charge applied twice: the account streams hold exactly one charge per delivered shipment,
    // and the accounts read model (projected by one of the survivors) agrees.
    const charged = new Map<string, number>();
    for (const event of events)
      if (event.type === 'CustomerCharged') {
        const { shipmentId } = JSON.parse(event.data) as { shipmentId: string };
        charged.set(shipmentId, (charged.get(shipmentId) ?? 0) + 1);
      }
    const allDelivered = events.filter((event) => event.type === 'ShipmentDelivered').length;
    assert.equal(charged.size, allDelivered);
    for (const [shipmentId, times] of charged) assert.equal(times, 1, `charge for ${shipmentId}`);
    for (const shipmentId of delivered) assert.equal(charged.get(shipmentId), 1, `charge for ${shipmentId}`);
    const readModelCharges = async (): Promise<Map<string, number>> => {
      const lines = new Map<string, number>();
      for (const customer of ['C0', 'C1', 'C2', 'C3']) {
        const account = await get(survivor, `/accounts/${customer}`);
        if (account.status !== 200) continue;
        for (const line of account.body.transactions as { type: string; shipmentId?: string }[])
          if (line.type === 'charge' && line.shipmentId)
            lines.set(line.shipmentId, (lines.get(line.shipmentId) ?? 0) + 1);
      }
      return lines;
    };
    await eventually(15_000, async () => (await readModelCharges()).size >= charged.size);
    assert.deepEqual(
      [...(await readModelCharges())].sort(),
      [...charged].sort(),
      'accounts read model: one charge line per charge event',
    );

    // The survivors drain and exit cleanly.
    for (const index of [0, 2]) (nodes[index] as ServerProcess).child.kill('SIGTERM');
    for (const index of [0, 2]) {
      const node = nodes[index] as ServerProcess;
      assert.equal(await node.exited, '0', node.output());
    }
  } finally {
    for (const node of nodes) node.child.kill('SIGKILL');
    await Promise.all(nodes.map((node) => node.exited));
    await rm(dataDir, { recursive: true, force: true });
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  }
});

import assert from 'node:assert/strict';
import { startServerProcess } from './server-process.js';

interface Acked {
  readonly commandId: string;
  readonly shipmentId: string;
  readonly type: 'submit' | 'assign' | 'ship' | 'deliver';
}

const post = async (url: string, body: unknown) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
};
const get = async (url: string) => {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

/**
 * One shipment's whole life, each command sent right after the previous one's 202 (no waiting: the
 * queue keeps a shipment's commands in order). Records every 202; stops at the first failed
 * request (the server was killed).
 */
const lifecycle = async (base: string, lane: number, round: number, acked: Acked[]): Promise<void> => {
  const customerId = `C${lane % 4}`;
  const submit = await post(`${base}/shipments`, {
    customerId,
    pickupAddress: 'Depot',
    destinationAddress: 'Farm',
    weightKg: 100 + lane,
  });
  if (submit.status !== 202) throw new Error(`submit answered ${submit.status}`);
  const shipmentId = submit.body.shipmentId as string;
  acked.push({ commandId: submit.body.commandId as string, shipmentId, type: 'submit' });
  const steps = [
    ['assign', { truckId: `T-${lane}-${round}` }],
    ['ship', {}],
    ['deliver', { signedBy: 'Farmer' }],
  ] as const;
  for (const [type, body] of steps) {
    const answer = await post(`${base}/shipments/${shipmentId}/${type}`, body);
    if (answer.status !== 202) throw new Error(`${type} answered ${answer.status}`);
    acked.push({ commandId: answer.body.commandId as string, shipmentId, type });
  }
};

/**
 * Starts the real server, bursts lifecycles at it, SIGKILLs it mid-burst, restarts it on the same
 * data and checks every acknowledged command's single outcome and effects.
 */
export const crashScenario = async (dataDir: string, env: Record<string, string> = {}): Promise<void> => {
  const first = await startServerProcess(dataDir, env);
  const acked: Acked[] = [];
  let killed = false;
  const lanes = Array.from({ length: 16 }, async (_, lane) => {
    for (let round = 0; !killed; round += 1)
      await lifecycle(first.url, lane, round, acked).catch(() => undefined);
  });
  // Kill while requests are in flight and commands are still queued.
  while (acked.length < 200) await new Promise((resolve) => setTimeout(resolve, 5));
  first.child.kill('SIGKILL');
  killed = true;
  await first.exited;
  await Promise.all(lanes);

  const second = await startServerProcess(dataDir, env);
  try {
    // Every 202 reaches a final outcome after the restart; in per-shipment order all succeed.
    for (const command of acked) {
      let status: unknown;
      for (let tries = 0; tries < 500; tries += 1) {
        const answer = await get(`${second.url}/commands/${command.commandId}`);
        assert.equal(answer.status, 200, `command ${command.commandId} (${command.type}) is known`);
        status = answer.body.status;
        if (status !== 'accepted') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(status, 'succeeded', `${command.type} ${command.commandId}`);
    }

    // Each acknowledged command's event is stored exactly once, in a gap-free stream.
    const byShipment = new Map<string, Acked[]>();
    for (const command of acked)
      byShipment.set(command.shipmentId, [...(byShipment.get(command.shipmentId) ?? []), command]);
    const delivered = new Set<string>();
    for (const [shipmentId, commands] of byShipment) {
      const events = (await get(`${second.url}/shipments/${shipmentId}/events`)).body.items as {
        type: string;
        revision: number;
        metadata: { commandId?: string };
      }[];
      assert.deepEqual(
        events.map((event) => event.revision),
        events.map((_, index) => index),
      );
      for (const command of commands)
        assert.equal(events.filter((event) => event.metadata.commandId === command.commandId).length, 1);
      assert.equal(new Set(events.map((event) => event.type)).size, events.length, 'each step once');
      if (events.some((event) => event.type === 'ShipmentDelivered')) delivered.add(shipmentId);
    }
    assert.ok(delivered.size > 0, 'some shipments were delivered before the kill');

    // Every delivered shipment is charged exactly once, and nothing else is.
    const charges = new Map<string, number>();
    for (const customer of ['C0', 'C1', 'C2', 'C3']) {
      const account = await get(`${second.url}/accounts/${customer}`);
      if (account.status === 404) continue;
      for (const line of account.body.transactions as { type: string; shipmentId?: string }[])
        if (line.type === 'charge' && line.shipmentId)
          charges.set(line.shipmentId, (charges.get(line.shipmentId) ?? 0) + 1);
    }
    for (const shipmentId of delivered) assert.equal(charges.get(shipmentId), 1, `charge for ${shipmentId}`);
    assert.equal(charges.size, delivered.size);
    // SIGTERM drains: stops accepting, finishes in-flight commands, closes the store, exits 0.
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, '0', second.output());
  } finally {
    second.child.kill('SIGKILL');
    await second.exited;
  }
};

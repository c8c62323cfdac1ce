import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestApp, type TestApp } from './support.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

test('20 concurrent assignments of one truck to 20 shipments: exactly one wins', async () => {
  const shipments = await Promise.all(Array.from({ length: 20 }, () => t.submit({ customerId: 'RACE' })));
  const answers = await Promise.all(
    shipments.map((id) => t.request('POST', `/shipments/${id}/assign?wait=true`, { truckId: 'T-race' })),
  );
  const winners = answers.filter((answer) => answer.status === 200);
  const losers = answers.filter((answer) => answer.status === 409);
  assert.equal(winners.length, 1, JSON.stringify(answers.map((answer) => answer.status)));
  assert.equal(losers.length, 19);
  for (const loser of losers) assert.equal(loser.body.error.code, 'TRUCK_OCCUPIED');
  const winner = winners[0]?.body.shipmentId;
  const truck = (await t.request('GET', '/trucks')).body.items.find(
    (item: { truckId: string }) => item.truckId === 'T-race',
  );
  assert.deepEqual(truck, { truckId: 'T-race', status: 'occupied', shipmentId: winner });
  // The store holds exactly one TruckAssigned for the truck: the DCB condition, not luck.
  const assigned = (
    await t.app.server.inject({ method: 'GET', url: '/shipments?customerId=RACE&status=assigned' })
  ).json();
  assert.deepEqual(
    assigned.items.map((item: { shipmentId: string }) => item.shipmentId),
    [winner],
  );
});

test('10 concurrent deliveries of one shipment: one wins, exactly one charge', async () => {
  const id = await t.submit({ customerId: 'RACE-DELIVER' });
  assert.equal(
    (await t.request('POST', `/shipments/${id}/assign?wait=true`, { truckId: 'T-rd' })).status,
    200,
  );
  assert.equal((await t.request('POST', `/shipments/${id}/ship?wait=true`, {})).status, 200);
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, index) =>
      t.request('POST', `/shipments/${id}/deliver?wait=true`, { signedBy: `Signer ${index}` }),
    ),
  );
  assert.equal(answers.filter((answer) => answer.status === 200).length, 1);
  const losers = answers.filter((answer) => answer.status === 409);
  assert.equal(losers.length, 9);
  for (const loser of losers) assert.equal(loser.body.error.code, 'SHIPMENT_ALREADY_DELIVERED');
  const events = (await t.request('GET', `/shipments/${id}/events`)).body.items;
  assert.equal(events.filter((event: { type: string }) => event.type === 'ShipmentDelivered').length, 1);
  const account = (await t.request('GET', '/accounts/RACE-DELIVER')).body;
  assert.equal(account.transactions.filter((line: { type: string }) => line.type === 'charge').length, 1);
  assert.equal(account.chargedCents, 17_000);
});

test('concurrent reassignments over a pool of trucks never put two shipments on one truck', async () => {
  const shipments = await Promise.all(Array.from({ length: 12 }, () => t.submit({ customerId: 'POOL' })));
  const trucks = ['P1', 'P2', 'P3'];
  await Promise.all(
    shipments.flatMap((id, index) =>
      [0, 1, 2].map((round) =>
        t.request('POST', `/shipments/${id}/assign?wait=true`, {
          truckId: trucks[(index + round) % trucks.length],
        }),
      ),
    ),
  );
  const items = (await t.request('GET', '/shipments?customerId=POOL')).body.items as {
    shipmentId: string;
    truckId: string | null;
  }[];
  const carried = items.filter((item) => item.truckId !== null);
  assert.equal(new Set(carried.map((item) => item.truckId)).size, carried.length, JSON.stringify(carried));
  assert.ok(carried.length <= trucks.length);
  const view = (await t.request('GET', '/trucks')).body.items.filter((item: { truckId: string }) =>
    trucks.includes(item.truckId),
  );
  for (const truck of view) {
    const carrier = carried.find((item) => item.truckId === truck.truckId);
    assert.equal(truck.shipmentId, carrier?.shipmentId ?? null);
  }
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { openBackend } from '../src/backend.js';
import { startAppOn, type TestApp } from './support.js';

// PostgreSQL from the environment (CI starts it): 127.0.0.1:5432, user postgres, database `test`.
const url = process.env.TRUCKING_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `trucking_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

// Two application nodes on one database schema, as `DATABASE_URL` deployments run.
let a: TestApp;
let b: TestApp;
before(async () => {
  a = await startAppOn(openBackend({ dataDir: '', databaseUrl: url, databaseSchema: schema }));
  b = await startAppOn(openBackend({ dataDir: '', databaseUrl: url, databaseSchema: schema }));
});
after(async () => {
  await Promise.all([a.close(), b.close()]);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

test('postgres, two nodes: a shipment moves through both, is charged once, reads agree', async () => {
  const id = await a.submit({ customerId: 'PG1' });
  assert.equal(
    (await b.request('POST', `/shipments/${id}/assign?wait=true`, { truckId: 'PG-T1' })).status,
    200,
  );
  assert.equal((await a.request('POST', `/shipments/${id}/ship?wait=true`, {})).status, 200);
  const early = await b.request('POST', `/shipments/${id}/assign?wait=true`, { truckId: 'PG-T2' });
  assert.equal(early.status, 409);
  assert.equal(early.body.error.code, 'SHIPMENT_ALREADY_SHIPPED');
  assert.equal(
    (await b.request('POST', `/shipments/${id}/deliver?wait=true`, { signedBy: 'Kim' })).status,
    200,
  );
  await a.request('POST', '/accounts/PG1/payments?wait=true', { paymentId: 'PGP1', amountCents: 100 });
  for (const node of [a, b]) {
    const shipment = (await node.request('GET', `/shipments/${id}`)).body;
    assert.equal(shipment.status, 'delivered');
    assert.equal(shipment.truckId, 'PG-T1');
    const account = (await node.request('GET', '/accounts/PG1')).body;
    assert.equal(account.chargedCents, 17_000);
    assert.equal(account.paidCents, 100);
    assert.equal(account.transactions.length, 2);
    const events = (await node.request('GET', `/shipments/${id}/events`)).body.items;
    assert.deepEqual(
      events.map((event: { revision: number }) => event.revision),
      [0, 1, 2, 3],
    );
    const trucks = (await node.request('GET', '/trucks')).body.items;
    assert.deepEqual(
      trucks.find((truck: { truckId: string }) => truck.truckId === 'PG-T1'),
      { truckId: 'PG-T1', status: 'available', shipmentId: null },
    );
  }
});

test('postgres, two nodes: 20 racing assignments of one truck have exactly one winner', async () => {
  const shipments = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).submit({ customerId: 'PG2' })),
  );
  const answers = await Promise.all(
    shipments.map((id, i) =>
      (i % 2 ? b : a).request('POST', `/shipments/${id}/assign?wait=true`, { truckId: 'PG-RACE' }),
    ),
  );
  assert.equal(
    answers.filter((answer) => answer.status === 200).length,
    1,
    JSON.stringify(answers.map((x) => x.status)),
  );
  for (const loser of answers.filter((answer) => answer.status !== 200)) {
    assert.equal(loser.status, 409);
    assert.equal(loser.body.error.code, 'TRUCK_OCCUPIED');
  }
  const assigned = (await a.request('GET', '/shipments?customerId=PG2&status=assigned')).body.items;
  assert.equal(assigned.length, 1);
});

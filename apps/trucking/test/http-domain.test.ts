import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from './support.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t.close();
});

const assignShipToDelivered = async (customerId: string, truckId: string) => {
  const id = await t.submit({ customerId });
  assert.equal((await t.request('POST', `/shipments/${id}/assign?wait=true`, { truckId })).status, 200);
  assert.equal((await t.request('POST', `/shipments/${id}/ship?wait=true`, {})).status, 200);
  assert.equal(
    (await t.request('POST', `/shipments/${id}/deliver?wait=true`, { signedBy: 'Dana' })).status,
    200,
  );
  return id;
};

describe('shipment rules', () => {
  test('submitted → assigned → shipped → delivered, with each time on the shipment', async () => {
    const id = await assignShipToDelivered('FLOW', 'T-flow');
    const shipment = await t.request('GET', `/shipments/${id}`);
    assert.equal(shipment.status, 200);
    const body = shipment.body;
    assert.equal(body.shipmentId, id);
    assert.equal(body.customerId, 'FLOW');
    assert.equal(body.status, 'delivered');
    assert.equal(body.truckId, 'T-flow');
    assert.equal(body.priceCents, 17_000);
    assert.equal(body.weightKg, 1200);
    for (const field of ['submittedAt', 'assignedAt', 'shippedAt', 'deliveredAt'])
      assert.ok(!Number.isNaN(Date.parse(body[field])), `${field} is a time`);
  });

  test('no ship before assign, no deliver before ship, no assign after ship', async () => {
    const id = await t.submit();
    const rejected = async (url: string, body: unknown, code: string) => {
      const answer = await t.request('POST', `${url}?wait=true`, body);
      assert.equal(answer.status, 409, JSON.stringify(answer.body));
      assert.equal(answer.body.error.code, code);
    };
    await rejected(`/shipments/${id}/ship`, {}, 'SHIPMENT_NOT_ASSIGNED');
    await rejected(`/shipments/${id}/deliver`, { signedBy: 'Dana' }, 'SHIPMENT_NOT_SHIPPED');
    assert.equal(
      (await t.request('POST', `/shipments/${id}/assign?wait=true`, { truckId: 'T-r1' })).status,
      200,
    );
    await rejected(`/shipments/${id}/deliver`, { signedBy: 'Dana' }, 'SHIPMENT_NOT_SHIPPED');
    assert.equal((await t.request('POST', `/shipments/${id}/ship?wait=true`, {})).status, 200);
    await rejected(`/shipments/${id}/assign`, { truckId: 'T-r2' }, 'SHIPMENT_ALREADY_SHIPPED');
    await rejected(`/shipments/${id}/ship`, {}, 'SHIPMENT_ALREADY_SHIPPED');
  });

  test('nothing after delivery', async () => {
    const id = await assignShipToDelivered('AFTER', 'T-after');
    for (const [action, body] of [
      ['assign', { truckId: 'T-other' }],
      ['ship', {}],
      ['deliver', { signedBy: 'Dana' }],
    ] as const) {
      const answer = await t.request('POST', `/shipments/${id}/${action}?wait=true`, body);
      assert.equal(answer.status, 409, action);
      assert.equal(answer.body.error.code, 'SHIPMENT_ALREADY_DELIVERED');
    }
  });

  test('commands on an unknown shipment are refused at once with 404', async () => {
    for (const [action, body] of [
      ['assign', { truckId: 'T1' }],
      ['ship', {}],
      ['deliver', { signedBy: 'Dana' }],
    ] as const) {
      const answer = await t.request('POST', `/shipments/no-such-shipment/${action}`, body);
      assert.equal(answer.status, 404, action);
      assert.equal(answer.body.error.code, 'NOT_FOUND');
    }
  });

  test('reads of unknown resources are 404 in the error shape', async () => {
    for (const url of ['/shipments/nope', '/shipments/nope/events', '/accounts/nobody', '/no/such/route']) {
      const answer = await t.request('GET', url);
      assert.equal(answer.status, 404, url);
      assert.equal(answer.body.error.code, 'NOT_FOUND');
      assert.equal(typeof answer.body.error.message, 'string');
    }
  });
});

describe('trucks', () => {
  test('an occupied truck cannot take another shipment until delivered or reassigned away', async () => {
    const first = await t.submit();
    const second = await t.submit();
    assert.equal(
      (await t.request('POST', `/shipments/${first}/assign?wait=true`, { truckId: 'T-occ' })).status,
      200,
    );
    const busy = await t.request('POST', `/shipments/${second}/assign?wait=true`, { truckId: 'T-occ' });
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error.code, 'TRUCK_OCCUPIED');
    // Reassigning the first shipment away frees the truck.
    assert.equal(
      (await t.request('POST', `/shipments/${first}/assign?wait=true`, { truckId: 'T-occ2' })).status,
      200,
    );
    assert.equal(
      (await t.request('POST', `/shipments/${second}/assign?wait=true`, { truckId: 'T-occ' })).status,
      200,
    );
    const trucks = (await t.request('GET', '/trucks')).body.items;
    assert.deepEqual(
      trucks.find((truck: { truckId: string }) => truck.truckId === 'T-occ'),
      { truckId: 'T-occ', status: 'occupied', shipmentId: second },
    );
    assert.deepEqual(
      trucks.find((truck: { truckId: string }) => truck.truckId === 'T-occ2'),
      { truckId: 'T-occ2', status: 'occupied', shipmentId: first },
    );
    const shipment = (await t.request('GET', `/shipments/${first}`)).body;
    assert.equal(shipment.truckId, 'T-occ2');
    assert.equal(shipment.status, 'assigned');
  });

  test('delivery frees the truck', async () => {
    await assignShipToDelivered('FREE', 'T-free');
    const trucks = (await t.request('GET', '/trucks')).body.items;
    assert.deepEqual(
      trucks.find((truck: { truckId: string }) => truck.truckId === 'T-free'),
      { truckId: 'T-free', status: 'available', shipmentId: null },
    );
    const next = await t.submit();
    assert.equal(
      (await t.request('POST', `/shipments/${next}/assign?wait=true`, { truckId: 'T-free' })).status,
      200,
    );
  });
});

describe('queries', () => {
  test('GET /shipments filters by status and customerId', async () => {
    const a = await t.submit({ customerId: 'LIST' });
    const b = await t.submit({ customerId: 'LIST' });
    await t.submit({ customerId: 'LIST-OTHER' });
    await t.request('POST', `/shipments/${b}/assign?wait=true`, { truckId: 'T-list' });
    const mine = (await t.request('GET', '/shipments?customerId=LIST')).body.items;
    assert.deepEqual(
      mine.map((item: { shipmentId: string }) => item.shipmentId),
      [a, b],
    );
    const assigned = (await t.request('GET', '/shipments?customerId=LIST&status=assigned')).body.items;
    assert.deepEqual(
      assigned.map((item: { shipmentId: string }) => item.shipmentId),
      [b],
    );
    const first = (await t.request('GET', '/shipments?customerId=LIST&limit=1')).body.items;
    assert.deepEqual(
      first.map((item: { shipmentId: string }) => item.shipmentId),
      [a],
    );
    const all = (await t.request('GET', '/shipments')).body.items;
    assert.ok(all.length >= 3);
    assert.equal((await t.request('GET', '/shipments?status=lost')).status, 400);
  });

  test('GET /shipments/{id}/events lists the stream in order with revisions from 0', async () => {
    const id = await assignShipToDelivered('EVENTS', 'T-events');
    const answer = await t.request('GET', `/shipments/${id}/events`);
    assert.equal(answer.status, 200);
    const items = answer.body.items;
    assert.deepEqual(
      items.map((event: { type: string }) => event.type),
      ['ShipmentSubmitted', 'TruckAssigned', 'ShipmentShipped', 'ShipmentDelivered'],
    );
    assert.deepEqual(
      items.map((event: { revision: number }) => event.revision),
      [0, 1, 2, 3],
    );
    for (const event of items) {
      assert.ok(!Number.isNaN(Date.parse(event.time)));
      assert.equal(event.data.shipmentId, id);
    }
  });
});

describe('accounting', () => {
  test('a delivered shipment charges its customer once; payments once per paymentId', async () => {
    const id = await assignShipToDelivered('ACC', 'T-acc');
    const charged = await t.request('GET', '/accounts/ACC');
    assert.equal(charged.status, 200);
    assert.equal(charged.body.accountId, 'ACC');
    assert.equal(charged.body.chargedCents, 17_000);
    assert.equal(charged.body.paidCents, 0);
    assert.equal(charged.body.balanceCents, -17_000);
    assert.deepEqual(
      charged.body.transactions.map((line: { type: string; shipmentId?: string; amountCents: number }) => [
        line.type,
        line.shipmentId,
        line.amountCents,
      ]),
      [['charge', id, 17_000]],
    );
    const pay = await t.request('POST', '/accounts/ACC/payments', { paymentId: 'PAY-1', amountCents: 5_000 });
    assert.equal(pay.status, 202);
    const again = await t.request('POST', '/accounts/ACC/payments?wait=true', {
      paymentId: 'PAY-1',
      amountCents: 5_000,
    });
    assert.equal(again.status, 200);
    const account = (await t.request('GET', '/accounts/ACC')).body;
    assert.equal(account.paidCents, 5_000);
    assert.equal(account.balanceCents, 5_000 - 17_000);
    assert.equal(account.transactions.length, 2);
    const payment = account.transactions[1];
    assert.equal(payment.type, 'payment');
    assert.equal(payment.paymentId, 'PAY-1');
    assert.equal(payment.amountCents, 5_000);
    assert.ok(!Number.isNaN(Date.parse(payment.at)));
  });

  test('a submitted customer has an account at zero', async () => {
    await t.submit({ customerId: 'ZERO' });
    const account = await t.request('GET', '/accounts/ZERO');
    assert.equal(account.status, 200);
    assert.deepEqual(account.body, {
      accountId: 'ZERO',
      balanceCents: 0,
      chargedCents: 0,
      paidCents: 0,
      transactions: [],
    });
  });
});

import { test } from 'node:test';
import { projectorSpec, sqliteProjection } from 'eventfold/testing';
import { assigned, delivered, shipped, submitted } from './fixtures.test-support.js';
import { getShipment, listShipments, shipmentsProjector } from './shipments-view.js';

const base = {
  customerId: 'C1',
  pickupAddress: '1 Depot Rd, Omaha',
  destinationAddress: '9 Main St, Wichita',
  weightKg: 1000,
  priceCents: 15_000,
  submittedAt: '2026-01-01T08:00:00.000Z',
};

test('shipments view: each step sets the status, the truck and its time', async () => {
  await projectorSpec(
    shipmentsProjector,
    sqliteProjection((db) => getShipment(db, 'S1')),
  )
    .given([
      submitted('S1'),
      assigned('S1', 'T1'),
      assigned('S1', 'T2', 'T1'),
      shipped('S1', 'T2'),
      delivered('S1', 'T2'),
    ])
    .then({
      shipmentId: 'S1',
      ...base,
      status: 'delivered',
      truckId: 'T2',
      signedBy: 'Dana',
      assignedAt: '2026-01-01T09:00:00.000Z',
      shippedAt: '2026-01-01T10:00:00.000Z',
      deliveredAt: '2026-01-01T11:00:00.000Z',
    });
});

test('shipments view: a submitted shipment has no truck and no later times', async () => {
  await projectorSpec(
    shipmentsProjector,
    sqliteProjection((db) => getShipment(db, 'S1')),
  )
    .given([submitted('S1')])
    .then({ shipmentId: 'S1', ...base, status: 'submitted', truckId: null });
});

test('shipments view: lists filter by status and customer, in submission order', async () => {
  const given = [
    submitted('S1', 'C1'),
    submitted('S2', 'C2'),
    submitted('S3', 'C1'),
    assigned('S3', 'T1'),
    assigned('S2', 'T2'),
  ];
  const ids = (items: readonly { shipmentId: string }[]) => items.map((item) => item.shipmentId);
  await projectorSpec(
    shipmentsProjector,
    sqliteProjection((db) => ({
      all: ids(listShipments(db, { limit: 100 })),
      c1: ids(listShipments(db, { customerId: 'C1', limit: 100 })),
      assigned: ids(listShipments(db, { status: 'assigned', limit: 100 })),
      c1Assigned: ids(listShipments(db, { status: 'assigned', customerId: 'C1', limit: 100 })),
      unknown: getShipment(db, 'S9') ?? null,
    })),
  )
    .given(given)
    .then({
      all: ['S1', 'S2', 'S3'],
      c1: ['S1', 'S3'],
      assigned: ['S2', 'S3'],
      c1Assigned: ['S3'],
      unknown: null,
    });
});

import { test } from 'node:test';
import { projectorSpec } from 'eventfold/testing';
import { onBothDatabases } from '../../shared/read-models.test-support.js';
import { assigned, delivered, shipped, submitted } from '../fixtures.test-support.js';
import { shipmentsProjector } from './projector.js';
import { getShipment, listShipments } from './queries.js';

const base = {
  customerId: 'C1',
  pickupAddress: '1 Depot Rd, Omaha',
  destinationAddress: '9 Main St, Wichita',
  weightKg: 1000,
  priceCents: 15_000,
  submittedAt: '2026-01-01T08:00:00.000Z',
};

const shipment = (id: string) => onBothDatabases(async (db) => (await getShipment(db, id)) ?? null);

for (const [backend, fixture] of shipment('S1')) {
  test(`shipments view (${backend}): each step sets the status, the truck and its time`, async () => {
    await projectorSpec(shipmentsProjector, fixture)
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

  test(`shipments view (${backend}): a submitted shipment has no truck and no later times`, async () => {
    await projectorSpec(shipmentsProjector, fixture)
      .given([submitted('S1')])
      .then({ shipmentId: 'S1', ...base, status: 'submitted', truckId: null });
  });
}

const ids = (items: readonly { shipmentId: string }[]) => items.map((item) => item.shipmentId);
const lists = onBothDatabases(async (db) => ({
  all: ids(await listShipments(db, {})),
  firstTwo: ids(await listShipments(db, { limit: 2 })),
  c1: ids(await listShipments(db, { customerId: 'C1', limit: 100 })),
  assigned: ids(await listShipments(db, { status: 'assigned', limit: 100 })),
  c1Assigned: ids(await listShipments(db, { status: 'assigned', customerId: 'C1' })),
  unknown: (await getShipment(db, 'S9')) ?? null,
}));

for (const [backend, fixture] of lists)
  test(`shipments view (${backend}): lists filter by status and customer, in submission order`, async () => {
    await projectorSpec(shipmentsProjector, fixture)
      .given([
        submitted('S1', 'C1'),
        submitted('S2', 'C2'),
        submitted('S3', 'C1'),
        assigned('S3', 'T1'),
        assigned('S2', 'T2'),
      ])
      .then({
        all: ['S1', 'S2', 'S3'],
        firstTwo: ['S1', 'S2'],
        c1: ['S1', 'S3'],
        assigned: ['S2', 'S3'],
        c1Assigned: ['S3'],
        unknown: null,
      });
  });

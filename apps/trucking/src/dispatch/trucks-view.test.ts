import { test } from 'node:test';
import { projectorSpec, sqliteProjection } from 'eventfold/testing';
import { assigned, delivered, shipped, submitted } from '../shipments/fixtures.test-support.js';
import { listTrucks, trucksProjector } from './trucks-view.js';

const trucks = sqliteProjection(listTrucks);

test('trucks view: an assigned truck is occupied by its shipment', async () => {
  await projectorSpec(trucksProjector, trucks)
    .given([submitted('S1'), assigned('S1', 'T1')])
    .then([{ truckId: 'T1', status: 'occupied', shipmentId: 'S1' }]);
});

test('trucks view: reassignment frees the previous truck, delivery frees the carrying truck', async () => {
  await projectorSpec(trucksProjector, trucks)
    .given([
      submitted('S1'),
      assigned('S1', 'T1'),
      assigned('S1', 'T2', 'T1'),
      submitted('S2'),
      assigned('S2', 'T1'),
      shipped('S1', 'T2'),
      delivered('S1', 'T2'),
    ])
    .then([
      { truckId: 'T1', status: 'occupied', shipmentId: 'S2' },
      { truckId: 'T2', status: 'available', shipmentId: null },
    ]);
});

test('trucks view: never-assigned trucks are not listed', async () => {
  await projectorSpec(trucksProjector, trucks)
    .given([submitted('S1')])
    .then([]);
});

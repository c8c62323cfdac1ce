import { test } from 'node:test';
import { projectorSpec } from 'eventfold/testing';
import { onBothDatabases } from '../../shared/read-models.test-support.js';
import { assigned, delivered, shipped, submitted } from '../../shipments/fixtures.test-support.js';
import { trucksProjector } from './projector.js';
import { getTruck, listTrucks } from './queries.js';

for (const [backend, trucks] of onBothDatabases(listTrucks)) {
  test(`trucks view (${backend}): an assigned truck is occupied by its shipment`, async () => {
    await projectorSpec(trucksProjector, trucks)
      .given([submitted('S1'), assigned('S1', 'T1')])
      .then([{ truckId: 'T1', status: 'occupied', shipmentId: 'S1' }]);
  });

  test(`trucks view (${backend}): reassignment frees the previous truck, delivery frees the carrying truck`, async () => {
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

  test(`trucks view (${backend}): never-assigned trucks are not listed`, async () => {
    await projectorSpec(trucksProjector, trucks)
      .given([submitted('S1')])
      .then([]);
  });
}

for (const [backend, truck] of onBothDatabases(async (db) => ({
  t1: (await getTruck(db, 'T1')) ?? null,
  t9: (await getTruck(db, 'T9')) ?? null,
})))
  test(`trucks view (${backend}): one truck by id, or none`, async () => {
    await projectorSpec(trucksProjector, truck)
      .given([submitted('S1'), assigned('S1', 'T1')])
      .then({ t1: { truckId: 'T1', status: 'occupied', shipmentId: 'S1' }, t9: null });
  });

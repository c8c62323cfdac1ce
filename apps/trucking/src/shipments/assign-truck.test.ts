import { AssertionError } from 'node:assert';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deciderSpec } from 'eventfold/testing';
import { type AssignTruck, assignTruck } from './assign-truck.js';
import { assigned, delivered, shipped, submitted } from './fixtures.test-support.js';

const assign = (shipmentId: string, truckId: string): AssignTruck => ({
  type: 'AssignTruck',
  data: { shipmentId, truckId, at: '2026-01-01T09:00:00.000Z' },
});
const spec = deciderSpec(assignTruck);

test('assign: a submitted shipment gets a free truck, tagged for the DCB condition', () => {
  spec
    .given([submitted('S1')])
    .when(assign('S1', 'T1'))
    .then([{ ...assigned('S1', 'T1'), tags: ['shipment:S1', 'truck:T1'] }]);
});

test('assign: reassigning moves the shipment and frees the previous truck (both trucks tagged)', () => {
  spec
    .given([submitted('S1'), assigned('S1', 'T1')])
    .when(assign('S1', 'T2'))
    .then([{ ...assigned('S1', 'T2', 'T1'), tags: ['shipment:S1', 'truck:T2', 'truck:T1'] }]);
});

test('assign: a truck carrying another shipment is occupied', () => {
  spec
    .given([submitted('S2'), assigned('S1', 'T1')])
    .when(assign('S2', 'T1'))
    .thenRejects({ reason: 'TRUCK_OCCUPIED', message: /shipment S1/ });
});

test('assign: a truck is free again once its shipment is delivered or moved away', () => {
  spec
    .given([submitted('S2'), assigned('S1', 'T1'), delivered('S1', 'T1')])
    .when(assign('S2', 'T1'))
    .then([assigned('S2', 'T1')]);
  spec
    .given([submitted('S2'), assigned('S1', 'T1'), assigned('S1', 'T9', 'T1')])
    .when(assign('S2', 'T1'))
    .then([assigned('S2', 'T1')]);
});

test('assign: the truck the shipment already has is a no-op', () => {
  spec
    .given([submitted('S1'), assigned('S1', 'T1')])
    .when(assign('S1', 'T1'))
    .then([]);
});

test('assign: unknown, shipped or delivered shipments are refused', () => {
  spec.given([]).when(assign('S1', 'T1')).thenRejects('SHIPMENT_NOT_FOUND');
  spec
    .given([submitted('S1'), assigned('S1', 'T1'), shipped('S1', 'T1')])
    .when(assign('S1', 'T2'))
    .thenRejects('SHIPMENT_ALREADY_SHIPPED');
  spec
    .given([submitted('S1'), assigned('S1', 'T1'), shipped('S1', 'T1'), delivered('S1', 'T1')])
    .when(assign('S1', 'T2'))
    .thenRejects('SHIPMENT_ALREADY_DELIVERED');
});

test('assign: the decision spans the shipment and the truck', () => {
  assert.deepEqual(assignTruck.state(assign('S1', 'T1')).query, [
    { tags: ['shipment:S1'] },
    { tags: ['truck:T1'] },
  ]);
});

test('assign: the spec folds only what the query selects, so an event that lost its truck tag fails it', () => {
  const occupying = assigned('S1', 'T1');
  spec
    .given([submitted('S2'), occupying])
    .when(assign('S2', 'T1'))
    .thenRejects('TRUCK_OCCUPIED');
  // The same assignment without `truck:T1` is invisible to T1's view, as it would be in the store:
  // the truck looks free, and the spec of the rule fails.
  const untagged = { ...occupying, tags: ['shipment:S1'] };
  assert.throws(
    () =>
      spec
        .given([submitted('S2'), untagged])
        .when(assign('S2', 'T1'))
        .thenRejects('TRUCK_OCCUPIED'),
    AssertionError,
  );
});

test('assign: another shipment moving away from the truck does not free it', () => {
  spec
    .given([submitted('S2'), assigned('S1', 'T1'), assigned('S3', 'T9', 'T1')])
    .when(assign('S2', 'T1'))
    .thenRejects({ reason: 'TRUCK_OCCUPIED', message: /shipment S1/ });
});

import { test } from 'node:test';
import { deciderSpec } from 'eventfold/testing';
import { type DeliverShipment, deliverShipmentDecider } from './deliver-shipment.js';
import { assigned, delivered, shipped, submitted } from './fixtures.test-support.js';

const deliver: DeliverShipment = {
  type: 'DeliverShipment',
  data: { shipmentId: 'S1', signedBy: 'Dana', at: '2026-01-01T11:00:00.000Z' },
};
const spec = deciderSpec(deliverShipmentDecider);

test('deliver: a shipped shipment is delivered with its price and frees its truck', () => {
  spec
    .given([submitted('S1', 'C7', 250), assigned('S1', 'T1'), shipped('S1', 'T1')])
    .when(deliver)
    .then([{ ...delivered('S1', 'T1', 'C7', 250), tags: ['shipment:S1', 'truck:T1', 'customer:C7'] }]);
});

test('deliver: no deliver before ship, nothing after delivery, not unknown', () => {
  spec
    .given([submitted('S1')])
    .when(deliver)
    .thenRejects('SHIPMENT_NOT_SHIPPED');
  spec
    .given([submitted('S1'), assigned('S1', 'T1')])
    .when(deliver)
    .thenRejects('SHIPMENT_NOT_SHIPPED');
  spec
    .given([submitted('S1'), assigned('S1', 'T1'), shipped('S1', 'T1'), delivered('S1', 'T1')])
    .when(deliver)
    .thenRejects('SHIPMENT_ALREADY_DELIVERED');
  spec.given([]).when(deliver).thenRejects('SHIPMENT_NOT_FOUND');
});

import { test } from 'node:test';
import { deciderSpec } from 'eventfold/testing';
import { assigned, delivered, shipped, submitted } from './fixtures.test-support.js';
import { type ShipShipment, shipShipmentDecider } from './ship-shipment.js';

const ship: ShipShipment = {
  type: 'ShipShipment',
  data: { shipmentId: 'S1', at: '2026-01-01T10:00:00.000Z' },
};
const spec = deciderSpec(shipShipmentDecider);

test('ship: an assigned shipment leaves on its truck', () => {
  spec
    .given([submitted('S1'), assigned('S1', 'T1'), assigned('S1', 'T2', 'T1')])
    .when(ship)
    .then([{ ...shipped('S1', 'T2'), tags: ['shipment:S1'] }]);
});

test('ship: no ship before assign, not twice, not after delivery, not unknown', () => {
  spec
    .given([submitted('S1')])
    .when(ship)
    .thenRejects('SHIPMENT_NOT_ASSIGNED');
  spec
    .given([submitted('S1'), assigned('S1', 'T1'), shipped('S1', 'T1')])
    .when(ship)
    .thenRejects('SHIPMENT_ALREADY_SHIPPED');
  spec
    .given([submitted('S1'), assigned('S1', 'T1'), shipped('S1', 'T1'), delivered('S1', 'T1')])
    .when(ship)
    .thenRejects('SHIPMENT_ALREADY_DELIVERED');
  spec.given([]).when(ship).thenRejects('SHIPMENT_NOT_FOUND');
});

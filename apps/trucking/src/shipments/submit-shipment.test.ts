import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deciderSpec } from 'eventfold/testing';
import { submitted } from './fixtures.test-support.js';
import { quotePriceCents, type SubmitShipment, submitShipmentDecider } from './submit-shipment.js';

const submit = (weightKg = 1000): SubmitShipment => ({
  type: 'SubmitShipment',
  data: {
    shipmentId: 'S1',
    customerId: 'C1',
    pickupAddress: '1 Depot Rd, Omaha',
    destinationAddress: '9 Main St, Wichita',
    weightKg,
    priceCents: quotePriceCents(weightKg),
    at: '2026-01-01T08:00:00.000Z',
  },
});

test('submit: a new shipment is submitted with its quote, tagged by shipment and customer', () => {
  deciderSpec(submitShipmentDecider)
    .given([])
    .when(submit())
    .then([{ ...submitted('S1'), tags: ['shipment:S1', 'customer:C1'] }]);
});

test('submit: the same shipment id cannot be submitted twice', () => {
  deciderSpec(submitShipmentDecider)
    .given([submitted('S1')])
    .when(submit())
    .thenRejects('SHIPMENT_ALREADY_EXISTS');
});

test('submit: weight must be > 0 and ≤ 40000 kg', () => {
  deciderSpec(submitShipmentDecider).given([]).when(submit(0)).thenRejects('INVALID_WEIGHT');
  deciderSpec(submitShipmentDecider).given([]).when(submit(40_000.5)).thenRejects('INVALID_WEIGHT');
  deciderSpec(submitShipmentDecider)
    .given([])
    .when(submit(40_000))
    .then([submitted('S1', 'C1', 40_000)]);
});

test('quote: $50 base plus 10 cents per kg, rounded up to the cent', () => {
  assert.equal(quotePriceCents(1), 5_010);
  assert.equal(quotePriceCents(0.01), 5_001);
  assert.equal(quotePriceCents(12.34), 5_124);
  assert.equal(quotePriceCents(40_000), 405_000);
});

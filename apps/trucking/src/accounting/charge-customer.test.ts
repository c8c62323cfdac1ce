import { test } from 'node:test';
import { deciderSpec } from 'eventfold/testing';
import { type ChargeCustomer, chargeCustomerDecider } from './charge-customer.js';
import type { CustomerCharged } from './events.js';

const charge = (shipmentId: string, amountCents = 15_000): ChargeCustomer => ({
  type: 'ChargeCustomer',
  data: { accountId: 'C1', shipmentId, amountCents, at: '2026-01-01T11:00:00.000Z' },
});
const charged = (shipmentId: string, amountCents = 15_000): CustomerCharged => ({
  type: 'CustomerCharged',
  data: { accountId: 'C1', shipmentId, amountCents, chargedAt: '2026-01-01T11:00:00.000Z' },
});
const spec = deciderSpec(chargeCustomerDecider);

test('charge: a delivered shipment is charged to the account', () => {
  spec
    .given([])
    .when(charge('S1'))
    .then([{ ...charged('S1'), tags: ['account:C1', 'shipment:S1'] }]);
  spec
    .given([charged('S0')])
    .when(charge('S1'))
    .then([charged('S1')]);
});

test('charge: a shipment is charged exactly once, whatever the command id', () => {
  spec
    .given([charged('S1')])
    .when(charge('S1'))
    .then([]);
});

test('charge: the amount must be positive', () => {
  spec.given([]).when(charge('S1', 0)).thenRejects('INVALID_AMOUNT');
});

import { test } from 'node:test';
import { deciderSpec } from 'eventfold/testing';
import type { PaymentRecorded } from './events.js';
import { type RecordPayment, recordPaymentDecider } from './record-payment.js';

const pay = (paymentId: string, amountCents = 2_500): RecordPayment => ({
  type: 'RecordPayment',
  data: { accountId: 'C1', paymentId, amountCents, at: '2026-01-02T08:00:00.000Z' },
});
const paid = (paymentId: string, amountCents = 2_500): PaymentRecorded => ({
  type: 'PaymentRecorded',
  data: { accountId: 'C1', paymentId, amountCents, paidAt: '2026-01-02T08:00:00.000Z' },
});
const spec = deciderSpec(recordPaymentDecider);

test('payment: recorded on the account', () => {
  spec
    .given([])
    .when(pay('P1'))
    .then([{ ...paid('P1'), tags: ['account:C1'] }]);
});

test('payment: once per paymentId; the same id with another amount is refused', () => {
  spec
    .given([paid('P1')])
    .when(pay('P1'))
    .then([]);
  spec
    .given([paid('P1')])
    .when(pay('P1', 999))
    .thenRejects('PAYMENT_ID_REUSED');
  spec
    .given([paid('P1')])
    .when(pay('P2'))
    .then([paid('P2')]);
});

test('payment: the amount must be positive', () => {
  spec.given([]).when(pay('P1', 0)).thenRejects('INVALID_AMOUNT');
  spec.given([]).when(pay('P1', -5)).thenRejects('INVALID_AMOUNT');
});

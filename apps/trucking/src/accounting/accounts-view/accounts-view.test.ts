import { test } from 'node:test';
import { projectorSpec } from 'eventfold/testing';
import { onBothDatabases } from '../../shared/read-models.test-support.js';
import { submitted } from '../../shipments/fixtures.test-support.js';
import type { CustomerCharged, PaymentRecorded } from '../events.js';
import { accountsProjector } from './projector.js';
import { getAccount } from './queries.js';

const charged = (shipmentId: string, amountCents: number): CustomerCharged => ({
  type: 'CustomerCharged',
  data: { accountId: 'C1', shipmentId, amountCents, chargedAt: '2026-01-01T11:00:00.000Z' },
});
const paid = (paymentId: string, amountCents: number): PaymentRecorded => ({
  type: 'PaymentRecorded',
  data: { accountId: 'C1', paymentId, amountCents, paidAt: '2026-01-02T08:00:00.000Z' },
});
const account = (id: string) => onBothDatabases(async (db) => (await getAccount(db, id)) ?? null);

for (const [backend, c1] of account('C1')) {
  test(`accounts view (${backend}): balance = paid − charged, with every transaction in order`, async () => {
    await projectorSpec(accountsProjector, c1)
      .given([charged('S1', 15_000), paid('P1', 10_000), charged('S2', 6_000)])
      .then({
        accountId: 'C1',
        balanceCents: -11_000,
        chargedCents: 21_000,
        paidCents: 10_000,
        transactions: [
          { type: 'charge', amountCents: 15_000, shipmentId: 'S1', at: '2026-01-01T11:00:00.000Z' },
          { type: 'payment', amountCents: 10_000, paymentId: 'P1', at: '2026-01-02T08:00:00.000Z' },
          { type: 'charge', amountCents: 6_000, shipmentId: 'S2', at: '2026-01-01T11:00:00.000Z' },
        ],
      });
  });

  test(`accounts view (${backend}): an account exists from its first shipment, at zero`, async () => {
    await projectorSpec(accountsProjector, c1)
      .given([submitted('S1', 'C1')])
      .then({ accountId: 'C1', balanceCents: 0, chargedCents: 0, paidCents: 0, transactions: [] });
  });
}

for (const [backend, c9] of account('C9'))
  test(`accounts view (${backend}): an unknown customer has no account`, async () => {
    await projectorSpec(accountsProjector, c9)
      .given([submitted('S1', 'C1'), paid('P1', 5)])
      .then(null);
  });

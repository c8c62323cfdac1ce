import type { RecordedEvent } from 'eventfold';
import type { PostgresEventStore, PostgresTransaction } from 'eventfold/postgres';
import {
  type AccountTransaction,
  type AccountView,
  accountsProjector as sqliteAccounts,
} from '../accounting/accounts-view.js';
import type { AccountEvent } from '../accounting/events.js';
import type { ShipmentSubmitted } from '../shipments/events.js';
import { postgresReadModel, quoteSchema, table } from './guard.js';

const ddlText = (schema: string) => `
CREATE TABLE IF NOT EXISTS ${table(schema, 'accounts')} (
  account_id text PRIMARY KEY,
  charged_cents bigint NOT NULL DEFAULT 0,
  paid_cents bigint NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ${table(schema, 'account_transactions')} (
  position bigint PRIMARY KEY,
  account_id text NOT NULL,
  type text NOT NULL,
  amount_cents bigint NOT NULL,
  shipment_id text,
  payment_id text,
  at text NOT NULL
);
CREATE INDEX IF NOT EXISTS trucking_account_transactions_account
  ON ${table(schema, 'account_transactions')} (account_id, position)`;

const applyEvent = async (tx: PostgresTransaction, recorded: RecordedEvent): Promise<void> => {
  const accounts = table(tx.schema, 'accounts');
  const lines = table(tx.schema, 'account_transactions');
  const open = (accountId: string) =>
    tx.query(`INSERT INTO ${accounts} (account_id) VALUES ($1) ON CONFLICT DO NOTHING`, [accountId]);
  const line = (values: readonly unknown[]) =>
    tx.query(
      `INSERT INTO ${lines} (position, account_id, type, amount_cents, shipment_id, payment_id, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      values,
    );
  const event = recorded as unknown as AccountEvent | ShipmentSubmitted;
  switch (event.type) {
    // A customer's account exists from their first shipment, so it reads as 0/0/0 before any charge.
    case 'ShipmentSubmitted':
      await open(event.data.customerId);
      return;
    case 'CustomerCharged': {
      const { accountId, shipmentId, amountCents, chargedAt } = event.data;
      await open(accountId);
      await tx.query(`UPDATE ${accounts} SET charged_cents = charged_cents + $2 WHERE account_id = $1`, [
        accountId,
        amountCents,
      ]);
      await line([recorded.position, accountId, 'charge', amountCents, shipmentId, null, chargedAt]);
      return;
    }
    case 'PaymentRecorded': {
      const { accountId, paymentId, amountCents, paidAt } = event.data;
      await open(accountId);
      await tx.query(`UPDATE ${accounts} SET paid_cents = paid_cents + $2 WHERE account_id = $1`, [
        accountId,
        amountCents,
      ]);
      await line([recorded.position, accountId, 'payment', amountCents, null, paymentId, paidAt]);
      return;
    }
    default:
      return;
  }
};

/** The accounts read model on PostgreSQL: same name, filter and answers as the SQLite one. */
export const pgAccountsProjector = postgresReadModel({
  mirrors: sqliteAccounts,
  ddl: ddlText,
  tables: ['account_transactions', 'accounts'],
  applyEvent,
});

interface LineRow {
  type: 'charge' | 'payment';
  amount_cents: string;
  shipment_id: string | null;
  payment_id: string | null;
  at: string;
}

/** One account on PostgreSQL, or undefined when the customer never shipped nor paid. */
export const pgAccountQueries = (store: PostgresEventStore) => {
  const schema = quoteSchema(store.schema);
  return {
    getAccount: async (accountId: string): Promise<AccountView | undefined> => {
      const account = await store.pool.query<{ charged_cents: string; paid_cents: string }>(
        `SELECT charged_cents, paid_cents FROM ${table(schema, 'accounts')} WHERE account_id = $1`,
        [accountId],
      );
      const row = account.rows[0];
      if (!row) return undefined;
      const lines = await store.pool.query<LineRow>(
        `SELECT type, amount_cents, shipment_id, payment_id, at FROM ${table(schema, 'account_transactions')}
         WHERE account_id = $1 ORDER BY position`,
        [accountId],
      );
      const charged = Number(row.charged_cents);
      const paid = Number(row.paid_cents);
      return {
        accountId,
        balanceCents: paid - charged,
        chargedCents: charged,
        paidCents: paid,
        transactions: lines.rows.map(
          (line): AccountTransaction => ({
            type: line.type,
            amountCents: Number(line.amount_cents),
            ...(line.shipment_id === null ? {} : { shipmentId: line.shipment_id }),
            ...(line.payment_id === null ? {} : { paymentId: line.payment_id }),
            at: line.at,
          }),
        ),
      };
    },
  };
};

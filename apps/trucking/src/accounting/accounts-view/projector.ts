import { type Projector, type RecordedEventOf, type SqlProjectionContext, sql } from 'eventfold';
import type { ShipmentSubmitted } from '../../shipments/events.js';
import type { AccountEvent } from '../events.js';

/** Totals per account. */
export const accountsTable = sql.table('trucking_accounts');
/** One line per charge or payment, keyed by the event's position. */
export const accountLinesTable = sql.table('trucking_account_transactions');

type AccountsViewEvent = AccountEvent | ShipmentSubmitted;

const createStatements = [
  sql`CREATE TABLE IF NOT EXISTS ${accountsTable} (
    account_id text PRIMARY KEY,
    charged_cents bigint NOT NULL DEFAULT 0,
    paid_cents bigint NOT NULL DEFAULT 0
  )`,
  sql`CREATE TABLE IF NOT EXISTS ${accountLinesTable} (
    position bigint PRIMARY KEY,
    account_id text NOT NULL,
    type text NOT NULL,
    amount_cents bigint NOT NULL,
    shipment_id text,
    payment_id text,
    at text NOT NULL
  )`,
  sql`CREATE INDEX IF NOT EXISTS ${sql.identifier('trucking_account_transactions_account')}
    ON ${accountLinesTable} (account_id, position)`,
];

const open = (accountId: string) =>
  sql`INSERT INTO ${accountsTable} (account_id) VALUES (${accountId}) ON CONFLICT (account_id) DO NOTHING`;

interface Line {
  readonly position: number;
  readonly accountId: string;
  readonly type: 'charge' | 'payment';
  readonly amountCents: number;
  readonly shipmentId: string | null;
  readonly paymentId: string | null;
  readonly at: string;
}

const line = (l: Line) =>
  sql`INSERT INTO ${accountLinesTable} (position, account_id, type, amount_cents, shipment_id, payment_id, at)
    VALUES (${l.position}, ${l.accountId}, ${l.type}, ${l.amountCents}, ${l.shipmentId}, ${l.paymentId}, ${l.at})`;

const applyEvent = (ctx: SqlProjectionContext, event: RecordedEventOf<AccountsViewEvent>): void => {
  switch (event.type) {
    // A customer's account exists from their first shipment, so it reads as 0/0/0 before any charge.
    case 'ShipmentSubmitted':
      ctx.run(open(event.data.customerId));
      return;
    case 'CustomerCharged': {
      const { accountId, shipmentId, amountCents, chargedAt } = event.data;
      ctx.run(open(accountId));
      ctx.run(sql`UPDATE ${accountsTable} SET charged_cents = charged_cents + ${amountCents}
        WHERE account_id = ${accountId}`);
      ctx.run(
        line({
          position: event.position,
          accountId,
          type: 'charge',
          amountCents,
          shipmentId,
          paymentId: null,
          at: chargedAt,
        }),
      );
      return;
    }
    case 'PaymentRecorded': {
      const { accountId, paymentId, amountCents, paidAt } = event.data;
      ctx.run(open(accountId));
      ctx.run(sql`UPDATE ${accountsTable} SET paid_cents = paid_cents + ${amountCents}
        WHERE account_id = ${accountId}`);
      ctx.run(
        line({
          position: event.position,
          accountId,
          type: 'payment',
          amountCents,
          shipmentId: null,
          paymentId,
          at: paidAt,
        }),
      );
      return;
    }
    default:
      // Exhaustive: a new event type in `types` must get its case.
      event satisfies never;
  }
};

/** Read model of customer accounts: totals and the list of charges and payments, on SQLite and PostgreSQL. */
export const accountsProjector: Projector<SqlProjectionContext, AccountsViewEvent> = {
  name: 'trucking-accounts',
  version: 1,
  types: ['ShipmentSubmitted', 'CustomerCharged', 'PaymentRecorded'],
  init: (ctx) => {
    for (const statement of createStatements) ctx.run(statement);
  },
  apply: (ctx, events) => {
    for (const event of events) applyEvent(ctx, event);
  },
  reset: (ctx) => {
    ctx.run(sql`DROP TABLE IF EXISTS ${accountLinesTable}`);
    ctx.run(sql`DROP TABLE IF EXISTS ${accountsTable}`);
  },
};

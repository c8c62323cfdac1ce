import { Type } from '@sinclair/typebox';
import type { Database } from 'better-sqlite3';
import type { ProjectionHandle, Projector, RecordedEvent } from 'eventfold';
import type { SqliteProjectionContext } from 'eventfold/sqlite';
import { IdString } from '../shared/http.js';
import { notFound, type ReadRouteDeps } from '../shared/read-routes.js';
import { preparedStatements } from '../shared/sql.js';
import type { ShipmentSubmitted } from '../shipments/events.js';
import { type AccountEvent, accountStreamId } from './events.js';

/** One line of an account. */
export interface AccountTransaction {
  readonly type: 'charge' | 'payment';
  readonly amountCents: number;
  readonly shipmentId?: string;
  readonly paymentId?: string;
  readonly at: string;
}

/** A customer's account; `balanceCents = paidCents − chargedCents`. */
export interface AccountView {
  readonly accountId: string;
  readonly balanceCents: number;
  readonly chargedCents: number;
  readonly paidCents: number;
  readonly transactions: readonly AccountTransaction[];
}

const DDL = `
CREATE TABLE IF NOT EXISTS trucking_accounts (
  account_id TEXT PRIMARY KEY,
  charged_cents INTEGER NOT NULL DEFAULT 0,
  paid_cents INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS trucking_account_transactions (
  position INTEGER PRIMARY KEY,
  account_id TEXT NOT NULL,
  type TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  shipment_id TEXT,
  payment_id TEXT,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trucking_account_transactions_account ON trucking_account_transactions (account_id, position);
`;

const statements = preparedStatements({
  open: 'INSERT INTO trucking_accounts (account_id) VALUES (?) ON CONFLICT (account_id) DO NOTHING',
  charge:
    'UPDATE trucking_accounts SET charged_cents = charged_cents + @amountCents WHERE account_id = @accountId',
  pay: 'UPDATE trucking_accounts SET paid_cents = paid_cents + @amountCents WHERE account_id = @accountId',
  line: `INSERT INTO trucking_account_transactions (position, account_id, type, amount_cents, shipment_id, payment_id, at)
         VALUES (@position, @accountId, @type, @amountCents, @shipmentId, @paymentId, @at)`,
  get: 'SELECT account_id, charged_cents, paid_cents FROM trucking_accounts WHERE account_id = ?',
  lines: `SELECT type, amount_cents, shipment_id, payment_id, at FROM trucking_account_transactions
          WHERE account_id = ? ORDER BY position`,
});

const applyEvent = (db: Database, recorded: RecordedEvent): void => {
  const run = statements(db);
  const event = recorded as unknown as AccountEvent | ShipmentSubmitted;
  const position = recorded.position;
  switch (event.type) {
    // A customer's account exists from their first shipment, so it reads as 0/0/0 before any charge.
    case 'ShipmentSubmitted':
      run.open.run(event.data.customerId);
      return;
    case 'CustomerCharged': {
      const { accountId, shipmentId, amountCents, chargedAt } = event.data;
      run.open.run(accountId);
      run.charge.run({ accountId, amountCents });
      run.line.run({
        position,
        accountId,
        type: 'charge',
        amountCents,
        shipmentId,
        paymentId: null,
        at: chargedAt,
      });
      return;
    }
    case 'PaymentRecorded': {
      const { accountId, paymentId, amountCents, paidAt } = event.data;
      run.open.run(accountId);
      run.pay.run({ accountId, amountCents });
      run.line.run({
        position,
        accountId,
        type: 'payment',
        amountCents,
        shipmentId: null,
        paymentId,
        at: paidAt,
      });
      return;
    }
    default:
      return;
  }
};

/** Read model of customer accounts: totals and the list of charges and payments. */
export const accountsProjector: Projector<SqliteProjectionContext, void> = {
  name: 'trucking-accounts',
  version: 1,
  filter: { types: ['ShipmentSubmitted', 'CustomerCharged', 'PaymentRecorded'] },
  init: ({ database: db }) => {
    db.exec(DDL);
  },
  apply: ({ database: db }, events) => {
    for (const event of events) applyEvent(db, event);
  },
  reset: ({ database: db }) => {
    db.exec('DROP TABLE IF EXISTS trucking_account_transactions; DROP TABLE IF EXISTS trucking_accounts');
    db.exec(DDL);
  },
};

interface AccountRow {
  account_id: string;
  charged_cents: number;
  paid_cents: number;
}
interface LineRow {
  type: 'charge' | 'payment';
  amount_cents: number;
  shipment_id: string | null;
  payment_id: string | null;
  at: string;
}

/** One account, or undefined when the customer never shipped nor paid. */
export const getAccount = (db: Database, accountId: string): AccountView | undefined => {
  const run = statements(db);
  const row = run.get.get(accountId) as AccountRow | undefined;
  if (!row) return undefined;
  const transactions = (run.lines.all(accountId) as LineRow[]).map(
    (line): AccountTransaction => ({
      type: line.type,
      amountCents: line.amount_cents,
      ...(line.shipment_id === null ? {} : { shipmentId: line.shipment_id }),
      ...(line.payment_id === null ? {} : { paymentId: line.payment_id }),
      at: line.at,
    }),
  );
  return {
    accountId: row.account_id,
    balanceCents: row.paid_cents - row.charged_cents,
    chargedCents: row.charged_cents,
    paidCents: row.paid_cents,
    transactions,
  };
};

const AccountParams = Type.Object({ customerId: IdString }, { additionalProperties: false });

/**
 * `GET /accounts/:customerId`. Charges are issued by the delivery listener through the queue, so
 * besides the account's own queued commands the read waits for the listener to have seen every
 * committed delivery.
 */
export const accountsRoutes = (deps: ReadRouteDeps & { readonly chargeListener: ProjectionHandle }): void => {
  const { app, reads, projection, freshness, chargeListener } = deps;
  app.get(
    '/accounts/:customerId',
    { schema: { params: AccountParams, summary: "A customer's account", tags: ['accounting'] } },
    async (request, reply) => {
      const { customerId } = request.params;
      await freshness.caughtUp(chargeListener);
      await freshness.settled(accountStreamId(customerId));
      await freshness.caughtUp(projection);
      const account = await reads.getAccount(customerId);
      if (!account) return notFound(reply, `account ${customerId}`);
      return account;
    },
  );
};

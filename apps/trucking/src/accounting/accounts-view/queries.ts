import { type SqlReader, sql } from 'eventfold';
import { accountLinesTable, accountsTable } from './projector.js';

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

// `bigint` columns come back as text on PostgreSQL, as numbers on SQLite.
interface AccountRow {
  account_id: string;
  charged_cents: number | string;
  paid_cents: number | string;
}
interface LineRow {
  type: 'charge' | 'payment';
  amount_cents: number | string;
  shipment_id: string | null;
  payment_id: string | null;
  at: string;
}

const toTransaction = (line: LineRow): AccountTransaction => ({
  type: line.type,
  amountCents: Number(line.amount_cents),
  ...(line.shipment_id === null ? {} : { shipmentId: line.shipment_id }),
  ...(line.payment_id === null ? {} : { paymentId: line.payment_id }),
  at: line.at,
});

/** One account, or undefined when the customer never shipped nor paid. */
export const getAccount = async (db: SqlReader, accountId: string): Promise<AccountView | undefined> => {
  const row = await db.get<AccountRow>(
    sql`SELECT account_id, charged_cents, paid_cents FROM ${accountsTable} WHERE account_id = ${accountId}`,
  );
  if (!row) return undefined;
  const lines = await db.all<LineRow>(
    sql`SELECT type, amount_cents, shipment_id, payment_id, at FROM ${accountLinesTable}
      WHERE account_id = ${accountId} ORDER BY position`,
  );
  const chargedCents = Number(row.charged_cents);
  const paidCents = Number(row.paid_cents);
  return {
    accountId: row.account_id,
    balanceCents: paidCents - chargedCents,
    chargedCents,
    paidCents,
    transactions: lines.map(toTransaction),
  };
};

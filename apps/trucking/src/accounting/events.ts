import type { Message } from 'eventfold';

/** A delivered shipment's price was charged to its customer's account. */
export type CustomerCharged = Message<
  'CustomerCharged',
  { accountId: string; shipmentId: string; amountCents: number; chargedAt: string }
>;

/** A payment was received on an account. */
export type PaymentRecorded = Message<
  'PaymentRecorded',
  { accountId: string; paymentId: string; amountCents: number; paidAt: string }
>;

export type AccountEvent = CustomerCharged | PaymentRecorded;

export const accountEventTypes: readonly AccountEvent['type'][] = ['CustomerCharged', 'PaymentRecorded'];

/** An account is a customer's: its id is the customer id. */
export const accountStreamId = (accountId: string): string => `account-${accountId}`;
export const accountTag = (accountId: string): string => `account:${accountId}`;

/** Rejection codes of the accounting domain, answered as `409` with this `code`. */
export type AccountRejection = 'INVALID_AMOUNT' | 'PAYMENT_ID_REUSED';

/** What accounting commands need to know: which shipments were charged, which payments recorded. */
export interface AccountState {
  readonly chargedShipments: Readonly<Record<string, number>>;
  readonly payments: Readonly<Record<string, number>>;
}

export const initialAccountState = (): AccountState => ({ chargedShipments: {}, payments: {} });

/** Total fold of one account's events (unknown events leave the state unchanged). */
export const evolveAccount = (state: AccountState, event: Message): AccountState => {
  const known = event as AccountEvent;
  switch (known.type) {
    case 'CustomerCharged':
      return {
        ...state,
        chargedShipments: { ...state.chargedShipments, [known.data.shipmentId]: known.data.amountCents },
      };
    case 'PaymentRecorded':
      return { ...state, payments: { ...state.payments, [known.data.paymentId]: known.data.amountCents } };
    default:
      return state;
  }
};

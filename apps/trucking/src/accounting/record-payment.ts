import { Type } from '@sinclair/typebox';
import { type Decider, defineCommand, type Message, reject } from 'eventfold';
import { commandRoute } from 'eventfold/http';
import { IdString, type RouteDeps } from '../shared/http.js';
import {
  type AccountEvent,
  type AccountRejection,
  type AccountState,
  accountStreamId,
  accountTag,
  evolveAccount,
  initialAccountState,
} from './events.js';

/** Finance received money from a customer. */
export type RecordPayment = Message<
  'RecordPayment',
  { accountId: string; paymentId: string; amountCents: number; at: string }
>;

/**
 * Records a payment once per `paymentId`: the same payment again is a no-op; the same id with
 * another amount is refused, since it cannot be the same payment.
 */
export const recordPaymentDecider: Decider<RecordPayment, AccountEvent, AccountState> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: ({ data }, state) => {
    if (!(Number.isSafeInteger(data.amountCents) && data.amountCents > 0))
      return reject<AccountRejection>('INVALID_AMOUNT', 'amountCents must be a positive integer', [
        { field: '/amountCents', message: 'must be > 0' },
      ]);
    const recorded = state.payments[data.paymentId];
    if (recorded === data.amountCents) return [];
    if (recorded !== undefined)
      return reject<AccountRejection>(
        'PAYMENT_ID_REUSED',
        `payment ${data.paymentId} was recorded with another amount (${recorded} cents)`,
        [{ field: '/paymentId', message: 'already recorded with another amount' }],
      );
    return [
      {
        type: 'PaymentRecorded',
        data: {
          accountId: data.accountId,
          paymentId: data.paymentId,
          amountCents: data.amountCents,
          paidAt: data.at,
        },
        tags: [accountTag(data.accountId)],
      },
    ];
  },
};

export const recordPayment = defineCommand({
  type: 'RecordPayment',
  name: 'recordPayment',
  decider: recordPaymentDecider,
  streamId: (command: RecordPayment) => accountStreamId(command.data.accountId),
});

export const PaymentParams = Type.Object({ customerId: IdString }, { additionalProperties: false });
export const RecordPaymentBody = Type.Object(
  { paymentId: IdString, amountCents: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);

/** `POST /accounts/:customerId/payments` */
export const recordPaymentRoute = ({ app, queue, clock }: RouteDeps): void =>
  commandRoute(app, queue, {
    command: recordPayment,
    url: '/accounts/:customerId/payments',
    params: PaymentParams,
    body: RecordPaymentBody,
    summary: 'Record a payment, once per paymentId',
    tags: ['accounting'],
    toCommand: ({ params, body }) => ({
      accountId: params.customerId,
      paymentId: body.paymentId,
      amountCents: body.amountCents,
      at: clock().toISOString(),
    }),
    response: (record) => ({
      accountId: record.data.accountId ?? null,
      paymentId: record.data.paymentId ?? null,
    }),
  });

import { type Decider, defineCommand, type Message, reject } from 'eventfold';
import {
  type AccountEvent,
  type AccountRejection,
  type AccountState,
  accountStreamId,
  accountTag,
  evolveAccount,
  initialAccountState,
} from './events.js';

/** Charge a customer for a delivered shipment; issued by the delivery listener, never by HTTP. */
export type ChargeCustomer = Message<
  'ChargeCustomer',
  { accountId: string; shipmentId: string; amountCents: number; at: string }
>;

/**
 * Charges once per shipment. The listener already derives the command id from the delivered event's
 * id (so the command log drops a redelivery); the decider's own check makes a second charge for the
 * same shipment a no-op even if it arrived under another command id.
 */
export const chargeCustomerDecider: Decider<ChargeCustomer, AccountEvent, AccountState> = {
  initialState: initialAccountState,
  evolve: evolveAccount,
  decide: ({ data }, state) => {
    if (state.chargedShipments[data.shipmentId] !== undefined) return [];
    if (!(Number.isSafeInteger(data.amountCents) && data.amountCents > 0))
      return reject<AccountRejection>('INVALID_AMOUNT', 'a charge must be a positive number of cents');
    return [
      {
        type: 'CustomerCharged',
        data: {
          accountId: data.accountId,
          shipmentId: data.shipmentId,
          amountCents: data.amountCents,
          chargedAt: data.at,
        },
        tags: [accountTag(data.accountId), `shipment:${data.shipmentId}`],
      },
    ];
  },
};

/** Issued only by the delivery listener; there is no HTTP route for charges. */
export const chargeCustomer = defineCommand({
  type: 'ChargeCustomer',
  name: 'chargeCustomer',
  decider: chargeCustomerDecider,
  streamId: (command: ChargeCustomer) => accountStreamId(command.data.accountId),
});

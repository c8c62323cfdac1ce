import { type Decider, type Message, reject } from 'eventfold';
import {
  customerTag,
  evolveShipment,
  type ShipmentEvent,
  type ShipmentState,
  shipmentStreamId,
  shipmentTag,
} from './events.js';
import { MAX_WEIGHT_KG, type ShipmentRejection } from './rules.js';

/**
 * Price quote, deterministic from the shipment: a base fee of $50.00 plus $0.10 per kg, rounded up
 * to the cent. 1 kg → 5010 cents; 40000 kg → 405000 cents. Computed when the command is built, so
 * the decider stays pure and the price is fixed on the event.
 */
export const BASE_PRICE_CENTS = 5_000;
export const CENTS_PER_KG = 10;
export const quotePriceCents = (weightKg: number): number =>
  BASE_PRICE_CENTS + Math.ceil(weightKg * CENTS_PER_KG);

/** Customer service takes a shipment; id, quote and time are fixed when the request is accepted. */
export type SubmitShipment = Message<
  'SubmitShipment',
  {
    shipmentId: string;
    customerId: string;
    pickupAddress: string;
    destinationAddress: string;
    weightKg: number;
    priceCents: number;
    at: string;
  }
>;

/** Submits a new shipment; a second submit of the same id is refused. */
export const submitShipmentDecider: Decider<SubmitShipment, ShipmentEvent, ShipmentState | null> = {
  initialState: () => null,
  evolve: evolveShipment,
  decide: ({ data }, state) => {
    if (state !== null)
      return reject<ShipmentRejection>(
        'SHIPMENT_ALREADY_EXISTS',
        `shipment ${data.shipmentId} already exists`,
      );
    if (!(data.weightKg > 0 && data.weightKg <= MAX_WEIGHT_KG))
      return reject<ShipmentRejection>('INVALID_WEIGHT', `weightKg must be > 0 and ≤ ${MAX_WEIGHT_KG}`, [
        { field: '/weightKg', message: `must be > 0 and ≤ ${MAX_WEIGHT_KG}` },
      ]);
    return [
      {
        type: 'ShipmentSubmitted',
        data: {
          shipmentId: data.shipmentId,
          customerId: data.customerId,
          pickupAddress: data.pickupAddress,
          destinationAddress: data.destinationAddress,
          weightKg: data.weightKg,
          priceCents: data.priceCents,
          submittedAt: data.at,
        },
        tags: [shipmentTag(data.shipmentId), customerTag(data.customerId)],
      },
    ];
  },
};

/** Stream-scoped: the state is the shipment's own stream. */
export const submitShipmentSpec = {
  decider: submitShipmentDecider,
  streamId: (command: SubmitShipment) => shipmentStreamId(command.data.shipmentId),
};

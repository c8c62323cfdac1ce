import { Type } from '@sinclair/typebox';
import { type Decider, defineCommand, type Message, reject } from 'eventfold';
import { commandRoute } from 'eventfold/http';
import { IdString, type RouteDeps } from '../shared/http.js';
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
export const submitShipment = defineCommand({
  type: 'SubmitShipment',
  name: 'submitShipment',
  decider: submitShipmentDecider,
  streamId: (command: SubmitShipment) => shipmentStreamId(command.data.shipmentId),
});

/** `POST /shipments` body: what customer service takes down. */
export const SubmitShipmentBody = Type.Object(
  {
    customerId: IdString,
    pickupAddress: Type.String({ minLength: 1, maxLength: 500 }),
    destinationAddress: Type.String({ minLength: 1, maxLength: 500 }),
    weightKg: Type.Number({ exclusiveMinimum: 0, maximum: MAX_WEIGHT_KG }),
  },
  { additionalProperties: false },
);

/**
 * `POST /shipments`: the server picks the shipment id and quotes the price; both are answered
 * from the stored command, so an idempotent repeat returns the same shipment.
 */
export const submitShipmentRoute = ({ app, queue, clock, newId }: RouteDeps): void =>
  commandRoute(app, queue, {
    command: submitShipment,
    url: '/shipments',
    body: SubmitShipmentBody,
    summary: 'Submit a shipment (answers its new shipmentId and priceCents)',
    tags: ['shipments'],
    toCommand: ({ body }) => ({
      customerId: body.customerId,
      pickupAddress: body.pickupAddress,
      destinationAddress: body.destinationAddress,
      weightKg: body.weightKg,
      shipmentId: newId(),
      priceCents: quotePriceCents(body.weightKg),
      at: clock().toISOString(),
    }),
    response: (record) => ({
      shipmentId: record.data.shipmentId ?? null,
      priceCents: record.data.priceCents ?? null,
    }),
  });

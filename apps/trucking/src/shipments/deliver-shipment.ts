import { Type } from '@sinclair/typebox';
import { type Decider, defineCommand, isRejection, type Message, reject } from 'eventfold';
import { commandRoute } from 'eventfold/http';
import { type RouteDeps, refuseUnknownShipment, ShipmentParams } from '../shared/http.js';
import {
  customerTag,
  evolveShipment,
  type ShipmentEvent,
  type ShipmentState,
  shipmentStreamId,
  shipmentTag,
  truckTag,
} from './events.js';
import { requireOpenShipment, type ShipmentRejection } from './rules.js';

/** The consignee signed for the shipment. */
export type DeliverShipment = Message<
  'DeliverShipment',
  { shipmentId: string; signedBy: string; at: string }
>;

/**
 * Delivers a shipped shipment, once. The event carries what accounting charges (customer, price)
 * and the truck tag, which frees the truck for the next assignment.
 */
export const deliverShipmentDecider: Decider<DeliverShipment, ShipmentEvent, ShipmentState | null> = {
  initialState: () => null,
  evolve: evolveShipment,
  decide: ({ data }, state) => {
    const shipment = requireOpenShipment(state, data.shipmentId);
    if (isRejection(shipment)) return shipment;
    if (shipment.status !== 'shipped' || shipment.truckId === null)
      return reject<ShipmentRejection>(
        'SHIPMENT_NOT_SHIPPED',
        `shipment ${data.shipmentId} is not shipped yet`,
      );
    return [
      {
        type: 'ShipmentDelivered',
        data: {
          shipmentId: data.shipmentId,
          customerId: shipment.customerId,
          truckId: shipment.truckId,
          priceCents: shipment.priceCents,
          signedBy: data.signedBy,
          deliveredAt: data.at,
        },
        tags: [shipmentTag(data.shipmentId), truckTag(shipment.truckId), customerTag(shipment.customerId)],
      },
    ];
  },
};

/** Stream-scoped: the state is the shipment's own stream. */
export const deliverShipment = defineCommand({
  type: 'DeliverShipment',
  name: 'deliverShipment',
  decider: deliverShipmentDecider,
  streamId: (command: DeliverShipment) => shipmentStreamId(command.data.shipmentId),
  preCheck: refuseUnknownShipment,
});

export const DeliverShipmentBody = Type.Object(
  { signedBy: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** `POST /shipments/:shipmentId/deliver` */
export const deliverShipmentRoute = ({ app, queue, clock }: RouteDeps): void =>
  commandRoute(app, queue, {
    command: deliverShipment,
    url: '/shipments/:shipmentId/deliver',
    params: ShipmentParams,
    body: DeliverShipmentBody,
    summary: 'Delivered and signed for',
    tags: ['shipments'],
    toCommand: ({ params, body }) => ({
      shipmentId: params.shipmentId,
      signedBy: body.signedBy,
      at: clock().toISOString(),
    }),
    response: (record) => ({ shipmentId: record.data.shipmentId ?? null }),
  });

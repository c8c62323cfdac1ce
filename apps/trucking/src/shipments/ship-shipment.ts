import { Type } from '@sinclair/typebox';
import { type Decider, defineCommand, isRejection, type Message, reject } from 'eventfold';
import { commandRoute } from 'eventfold/http';
import { type RouteDeps, refuseUnknownShipment, ShipmentParams } from '../shared/http.js';
import {
  evolveShipment,
  type ShipmentEvent,
  type ShipmentState,
  shipmentStreamId,
  shipmentTag,
} from './events.js';
import { requireOpenShipment, type ShipmentRejection } from './rules.js';

/** The driver picked the shipment up; it is out for delivery. */
export type ShipShipment = Message<'ShipShipment', { shipmentId: string; at: string }>;

/** Ships an assigned shipment; needs a truck, and happens once. */
export const shipShipmentDecider: Decider<ShipShipment, ShipmentEvent, ShipmentState | null> = {
  initialState: () => null,
  evolve: evolveShipment,
  decide: ({ data }, state) => {
    const shipment = requireOpenShipment(state, data.shipmentId);
    if (isRejection(shipment)) return shipment;
    if (shipment.status === 'shipped')
      return reject<ShipmentRejection>(
        'SHIPMENT_ALREADY_SHIPPED',
        `shipment ${data.shipmentId} is already shipped`,
      );
    if (shipment.truckId === null)
      return reject<ShipmentRejection>(
        'SHIPMENT_NOT_ASSIGNED',
        `shipment ${data.shipmentId} has no truck yet`,
      );
    return [
      {
        type: 'ShipmentShipped',
        data: { shipmentId: data.shipmentId, truckId: shipment.truckId, shippedAt: data.at },
        // The shipment tag lets a racing assignment's DCB condition see that the shipment left.
        tags: [shipmentTag(data.shipmentId)],
      },
    ];
  },
};

/** Stream-scoped: the state is the shipment's own stream. */
export const shipShipment = defineCommand({
  type: 'ShipShipment',
  name: 'shipShipment',
  decider: shipShipmentDecider,
  streamId: (command: ShipShipment) => shipmentStreamId(command.data.shipmentId),
  preCheck: refuseUnknownShipment,
});

export const ShipShipmentBody = Type.Object({}, { additionalProperties: false });

/** `POST /shipments/:shipmentId/ship` */
export const shipShipmentRoute = ({ app, queue, clock }: RouteDeps): void =>
  commandRoute(app, queue, {
    command: shipShipment,
    url: '/shipments/:shipmentId/ship',
    params: ShipmentParams,
    body: ShipShipmentBody,
    summary: 'Picked up: out for delivery',
    tags: ['shipments'],
    toCommand: ({ params }) => ({ shipmentId: params.shipmentId, at: clock().toISOString() }),
    response: (record) => ({ shipmentId: record.data.shipmentId ?? null }),
  });

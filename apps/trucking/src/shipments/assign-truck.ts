import { Type } from '@sinclair/typebox';
import { combine, defineCommand, isRejection, type Message, reject } from 'eventfold';
import { commandRoute } from 'eventfold/http';
import { IdString, type RouteDeps, refuseUnknownShipment, ShipmentParams } from '../shared/http.js';
import { shipmentStreamId, shipmentTag, truckTag } from './events.js';
import { requireOpenShipment, type ShipmentRejection } from './rules.js';
import { shipment, truckOccupancy } from './state-views.js';

/** Dispatch puts a truck on a shipment, or moves it to another truck before pickup. */
export type AssignTruck = Message<'AssignTruck', { shipmentId: string; truckId: string; at: string }>;

/**
 * Assigns a truck. A truck carries one shipment at a time (see `truckOccupancy`); assigning the
 * truck a shipment already has is a no-op.
 *
 * Dynamic Consistency Boundary: the decision reads the shipment's and the truck's events (the
 * views' union query), and the append is conditional on none of them having changed since. Two
 * assignments of one truck to two shipments race on the `truck:{id}` tag, so exactly one commits;
 * the other is decided again and finds the truck occupied. This holds across processes, because
 * the store checks it, not memory. Queued per shipment (the default key, its stream).
 */
export const assignTruck = defineCommand({
  type: 'AssignTruck',
  streamId: (command: AssignTruck) => shipmentStreamId(command.data.shipmentId),
  state: (command: AssignTruck) =>
    combine(shipment(command.data.shipmentId), truckOccupancy(command.data.truckId)),
  decide: ({ data }, [current, occupant]) => {
    const open = requireOpenShipment(current, data.shipmentId);
    if (isRejection(open)) return open;
    if (open.status === 'shipped')
      return reject<ShipmentRejection>(
        'SHIPMENT_ALREADY_SHIPPED',
        `shipment ${data.shipmentId} is already shipped; its truck cannot change`,
      );
    if (occupant === data.shipmentId) return [];
    if (occupant !== null)
      return reject<ShipmentRejection>(
        'TRUCK_OCCUPIED',
        `truck ${data.truckId} is carrying shipment ${occupant}`,
        [{ field: '/truckId', message: `occupied by shipment ${occupant}` }],
      );
    const previousTruckId = open.truckId;
    return [
      {
        type: 'TruckAssigned',
        data: { shipmentId: data.shipmentId, truckId: data.truckId, previousTruckId, assignedAt: data.at },
        tags: [
          shipmentTag(data.shipmentId),
          truckTag(data.truckId),
          ...(previousTruckId === null ? [] : [truckTag(previousTruckId)]),
        ],
      },
    ];
  },
  preCheck: refuseUnknownShipment,
});

export const AssignTruckBody = Type.Object({ truckId: IdString }, { additionalProperties: false });

/** `POST /shipments/:shipmentId/assign` */
export const assignTruckRoute = ({ app, queue, clock }: RouteDeps): void =>
  commandRoute(app, queue, {
    command: assignTruck,
    url: '/shipments/:shipmentId/assign',
    params: ShipmentParams,
    body: AssignTruckBody,
    summary: 'Assign a truck, or reassign before pickup',
    tags: ['shipments'],
    toCommand: ({ params, body }) => ({
      shipmentId: params.shipmentId,
      truckId: body.truckId,
      at: clock().toISOString(),
    }),
    response: (record) => ({ shipmentId: record.data.shipmentId ?? null }),
  });

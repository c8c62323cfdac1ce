import { Type } from '@sinclair/typebox';
import {
  type CommandSpec,
  type Decider,
  isRejection,
  type Message,
  type Query,
  queuedCommand,
  reject,
} from 'eventfold';
import { commandRoute } from 'eventfold/http';
import { IdString, type RouteDeps, refuseUnknownShipment, ShipmentParams } from '../shared/http.js';
import {
  evolveShipment,
  type ShipmentEvent,
  type ShipmentState,
  shipmentStreamId,
  shipmentTag,
  truckTag,
} from './events.js';
import { requireOpenShipment, type ShipmentRejection } from './rules.js';

/** Dispatch puts a truck on a shipment, or moves it to another truck before pickup. */
export type AssignTruck = Message<'AssignTruck', { shipmentId: string; truckId: string; at: string }>;

/**
 * State of an assignment decision: the fold of every event tagged with the shipment or the truck.
 * `shipments` holds the shipments seen from their submission (in practice: the one being assigned);
 * `occupants` maps a truck to the shipment it carries.
 */
export interface AssignState {
  readonly shipments: Readonly<Record<string, ShipmentState>>;
  readonly occupants: Readonly<Record<string, string>>;
}

const without = (record: Readonly<Record<string, string>>, key: string, value: string) => {
  if (record[key] !== value) return record;
  const { [key]: _, ...rest } = record;
  return rest;
};

const evolveOccupants = (
  occupants: AssignState['occupants'],
  event: ShipmentEvent,
): AssignState['occupants'] => {
  switch (event.type) {
    case 'TruckAssigned': {
      const { shipmentId, truckId, previousTruckId } = event.data;
      const freed = previousTruckId === null ? occupants : without(occupants, previousTruckId, shipmentId);
      return { ...freed, [truckId]: shipmentId };
    }
    case 'ShipmentDelivered':
      return without(occupants, event.data.truckId, event.data.shipmentId);
    default:
      return occupants;
  }
};

const evolveAssign = (state: AssignState, event: ShipmentEvent): AssignState => {
  const id = (event.data as { shipmentId?: unknown }).shipmentId;
  if (typeof id !== 'string') return state;
  const shipment = evolveShipment(state.shipments[id] ?? null, event);
  return {
    shipments: shipment === null ? state.shipments : { ...state.shipments, [id]: shipment },
    occupants: evolveOccupants(state.occupants, event),
  };
};

/**
 * Assigns a truck. A truck carries one shipment at a time: it is occupied from its assignment until
 * that shipment is delivered or moved to another truck. Assigning the truck a shipment already has
 * is a no-op.
 */
export const assignTruckDecider: Decider<AssignTruck, ShipmentEvent, AssignState> = {
  initialState: () => ({ shipments: {}, occupants: {} }),
  evolve: evolveAssign,
  decide: ({ data }, state) => {
    const shipment = requireOpenShipment(state.shipments[data.shipmentId] ?? null, data.shipmentId);
    if (isRejection(shipment)) return shipment;
    if (shipment.status === 'shipped')
      return reject<ShipmentRejection>(
        'SHIPMENT_ALREADY_SHIPPED',
        `shipment ${data.shipmentId} is already shipped; its truck cannot change`,
      );
    const occupant = state.occupants[data.truckId];
    if (occupant === data.shipmentId) return [];
    if (occupant !== undefined)
      return reject<ShipmentRejection>(
        'TRUCK_OCCUPIED',
        `truck ${data.truckId} is carrying shipment ${occupant}`,
        [{ field: '/truckId', message: `occupied by shipment ${occupant}` }],
      );
    const previousTruckId = shipment.truckId;
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
};

/**
 * Dynamic Consistency Boundary: the decision reads every event about the shipment or the truck, and
 * the append is conditional on none of them having changed since. Two assignments of one truck to
 * two shipments race on the `truck:{id}` tag, so exactly one commits; the other is re-decided and
 * finds the truck occupied. This holds across processes, because the store checks it, not memory.
 */
export const assignTruckQuery = (command: AssignTruck): Query => [
  { tags: [shipmentTag(command.data.shipmentId)] },
  { tags: [truckTag(command.data.truckId)] },
];

export const assignTruckSpec: CommandSpec<AssignTruck, ShipmentEvent, AssignState> = {
  name: 'assignTruck',
  decider: assignTruckDecider,
  streamId: (command) => shipmentStreamId(command.data.shipmentId),
  query: assignTruckQuery,
};

export const AssignTruckBody = Type.Object({ truckId: IdString }, { additionalProperties: false });

export const assignTruckHandler = queuedCommand({
  type: 'AssignTruck',
  spec: assignTruckSpec,
  // Per-shipment order; races between shipments over one truck are settled by the DCB condition.
  partitionKey: (command: AssignTruck) => shipmentStreamId(command.data.shipmentId),
  preCheck: refuseUnknownShipment,
});

/** `POST /shipments/:shipmentId/assign` */
export const assignTruckRoute = ({ app, queue, clock }: RouteDeps): void =>
  commandRoute(app, queue, {
    url: '/shipments/:shipmentId/assign',
    params: ShipmentParams,
    body: AssignTruckBody,
    summary: 'Assign a truck, or reassign before pickup',
    tags: ['shipments'],
    command: ({ params, body }): AssignTruck => ({
      type: 'AssignTruck',
      data: { shipmentId: params.shipmentId, truckId: body.truckId, at: clock().toISOString() },
    }),
    response: (record) => ({ shipmentId: record.data.shipmentId ?? null }),
  });

import type { Message } from 'eventfold';

/**
 * The shipment domain's events. Every event names its shipment and carries the time it happened
 * (stamped on the command at acceptance), so projections never read a clock.
 *
 * Tags: every shipment event carries `shipment:{id}`; events that change a truck's occupancy carry
 * `truck:{id}` for each truck they touch (TruckAssigned: the new and the previous truck,
 * ShipmentDelivered: the carrying truck). The assign command's DCB condition watches those tags.
 */
export type ShipmentSubmitted = Message<
  'ShipmentSubmitted',
  {
    shipmentId: string;
    customerId: string;
    pickupAddress: string;
    destinationAddress: string;
    weightKg: number;
    priceCents: number;
    submittedAt: string;
  }
>;

/** A truck was assigned; `previousTruckId` is set on a reassignment and frees that truck. */
export type TruckAssigned = Message<
  'TruckAssigned',
  { shipmentId: string; truckId: string; previousTruckId: string | null; assignedAt: string }
>;

export type ShipmentShipped = Message<
  'ShipmentShipped',
  { shipmentId: string; truckId: string; shippedAt: string }
>;

/** Delivered: frees the truck and is what the accounting listener charges for. */
export type ShipmentDelivered = Message<
  'ShipmentDelivered',
  {
    shipmentId: string;
    customerId: string;
    truckId: string;
    priceCents: number;
    signedBy: string;
    deliveredAt: string;
  }
>;

export type ShipmentEvent = ShipmentSubmitted | TruckAssigned | ShipmentShipped | ShipmentDelivered;

export const shipmentEventTypes: readonly ShipmentEvent['type'][] = [
  'ShipmentSubmitted',
  'TruckAssigned',
  'ShipmentShipped',
  'ShipmentDelivered',
];

export type ShipmentStatus = 'submitted' | 'assigned' | 'shipped' | 'delivered';

/** Stream of one shipment. */
export const shipmentStreamId = (shipmentId: string): string => `shipment-${shipmentId}`;
export const shipmentTag = (shipmentId: string): string => `shipment:${shipmentId}`;
export const truckTag = (truckId: string): string => `truck:${truckId}`;
export const customerTag = (customerId: string): string => `customer:${customerId}`;

/** What the shipment commands need to know about one shipment. */
export interface ShipmentState {
  readonly shipmentId: string;
  readonly customerId: string;
  readonly priceCents: number;
  readonly status: ShipmentStatus;
  readonly truckId: string | null;
}

/** Total fold of one shipment's events (unknown events leave the state unchanged). */
export const evolveShipment = (state: ShipmentState | null, event: Message): ShipmentState | null => {
  const known = event as ShipmentEvent;
  switch (known.type) {
    case 'ShipmentSubmitted':
      return {
        shipmentId: known.data.shipmentId,
        customerId: known.data.customerId,
        priceCents: known.data.priceCents,
        status: 'submitted',
        truckId: null,
      };
    case 'TruckAssigned':
      return state && { ...state, status: 'assigned', truckId: known.data.truckId };
    case 'ShipmentShipped':
      return state && { ...state, status: 'shipped' };
    case 'ShipmentDelivered':
      return state && { ...state, status: 'delivered' };
    default:
      return state;
  }
};

import { type Rejection, reject } from 'eventfold';
import type { ShipmentState } from './events.js';

/** Heaviest shipment a truck takes, in kg (contract: weight > 0 and ≤ 40000). */
export const MAX_WEIGHT_KG = 40_000;

/** Rejection codes of the shipment domain, answered as `409` with this `code`. */
export type ShipmentRejection =
  | 'SHIPMENT_NOT_FOUND'
  | 'SHIPMENT_ALREADY_EXISTS'
  | 'SHIPMENT_ALREADY_DELIVERED'
  | 'SHIPMENT_ALREADY_SHIPPED'
  | 'SHIPMENT_NOT_ASSIGNED'
  | 'SHIPMENT_NOT_SHIPPED'
  | 'TRUCK_OCCUPIED'
  | 'INVALID_WEIGHT';

/** The checks every command on an existing shipment starts with: it exists and is not delivered. */
export const requireOpenShipment = (
  state: ShipmentState | null,
  shipmentId: string,
): ShipmentState | Rejection<ShipmentRejection> => {
  if (state === null) return reject('SHIPMENT_NOT_FOUND', `shipment ${shipmentId} does not exist`);
  if (state.status === 'delivered')
    return reject('SHIPMENT_ALREADY_DELIVERED', `shipment ${shipmentId} is already delivered`);
  return state;
};

import type { NewEvent } from 'eventfold';
import {
  customerTag,
  type ShipmentDelivered,
  type ShipmentShipped,
  type ShipmentSubmitted,
  shipmentTag,
  type TruckAssigned,
  truckTag,
} from './events.js';

/**
 * Event builders shared by the shipment slices' given/when/then tests, tagged as the deciders tag
 * them: a DCB decider spec folds only the events its query selects by those tags.
 */
export const submitted = (
  shipmentId: string,
  customerId = 'C1',
  weightKg = 1000,
): NewEvent<ShipmentSubmitted> & ShipmentSubmitted => ({
  type: 'ShipmentSubmitted',
  data: {
    shipmentId,
    customerId,
    pickupAddress: '1 Depot Rd, Omaha',
    destinationAddress: '9 Main St, Wichita',
    weightKg,
    priceCents: 5_000 + weightKg * 10,
    submittedAt: '2026-01-01T08:00:00.000Z',
  },
  tags: [shipmentTag(shipmentId), customerTag(customerId)],
});

export const assigned = (
  shipmentId: string,
  truckId: string,
  previousTruckId: string | null = null,
): NewEvent<TruckAssigned> & TruckAssigned => ({
  type: 'TruckAssigned',
  data: { shipmentId, truckId, previousTruckId, assignedAt: '2026-01-01T09:00:00.000Z' },
  tags: [
    shipmentTag(shipmentId),
    truckTag(truckId),
    ...(previousTruckId === null ? [] : [truckTag(previousTruckId)]),
  ],
});

export const shipped = (
  shipmentId: string,
  truckId: string,
): NewEvent<ShipmentShipped> & ShipmentShipped => ({
  type: 'ShipmentShipped',
  data: { shipmentId, truckId, shippedAt: '2026-01-01T10:00:00.000Z' },
  tags: [shipmentTag(shipmentId)],
});

export const delivered = (
  shipmentId: string,
  truckId: string,
  customerId = 'C1',
  weightKg = 1000,
): NewEvent<ShipmentDelivered> & ShipmentDelivered => ({
  type: 'ShipmentDelivered',
  data: {
    shipmentId,
    customerId,
    truckId,
    priceCents: 5_000 + weightKg * 10,
    signedBy: 'Dana',
    deliveredAt: '2026-01-01T11:00:00.000Z',
  },
  tags: [shipmentTag(shipmentId), truckTag(truckId), customerTag(customerId)],
});

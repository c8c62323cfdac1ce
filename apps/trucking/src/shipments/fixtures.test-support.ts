import type { ShipmentDelivered, ShipmentShipped, ShipmentSubmitted, TruckAssigned } from './events.js';

/** Event builders shared by the shipment slices' given/when/then tests. */
export const submitted = (shipmentId: string, customerId = 'C1', weightKg = 1000): ShipmentSubmitted => ({
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
});

export const assigned = (
  shipmentId: string,
  truckId: string,
  previousTruckId: string | null = null,
): TruckAssigned => ({
  type: 'TruckAssigned',
  data: { shipmentId, truckId, previousTruckId, assignedAt: '2026-01-01T09:00:00.000Z' },
});

export const shipped = (shipmentId: string, truckId: string): ShipmentShipped => ({
  type: 'ShipmentShipped',
  data: { shipmentId, truckId, shippedAt: '2026-01-01T10:00:00.000Z' },
});

export const delivered = (
  shipmentId: string,
  truckId: string,
  customerId = 'C1',
  weightKg = 1000,
): ShipmentDelivered => ({
  type: 'ShipmentDelivered',
  data: {
    shipmentId,
    customerId,
    truckId,
    priceCents: 5_000 + weightKg * 10,
    signedBy: 'Dana',
    deliveredAt: '2026-01-01T11:00:00.000Z',
  },
});

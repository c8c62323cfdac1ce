import { type SqlReader, sql } from 'eventfold';
import type { ShipmentStatus } from '../events.js';
import { shipmentsTable } from './projector.js';

/** A shipment as the API shows it. */
export interface ShipmentView {
  readonly shipmentId: string;
  readonly customerId: string;
  readonly pickupAddress: string;
  readonly destinationAddress: string;
  readonly weightKg: number;
  readonly priceCents: number;
  readonly status: ShipmentStatus;
  readonly truckId: string | null;
  readonly signedBy?: string;
  readonly submittedAt: string;
  readonly assignedAt?: string;
  readonly shippedAt?: string;
  readonly deliveredAt?: string;
}

export interface ShipmentFilter {
  readonly status?: ShipmentStatus;
  readonly customerId?: string;
  /** Most rows returned, oldest submission first; all when absent. */
  readonly limit?: number;
}

/** A shipments row as both databases return it (`bigint` columns come back as text on PostgreSQL). */
interface ShipmentRow {
  shipment_id: string;
  customer_id: string;
  pickup_address: string;
  destination_address: string;
  weight_kg: number;
  price_cents: number | string;
  status: ShipmentStatus;
  truck_id: string | null;
  signed_by: string | null;
  submitted_at: string;
  assigned_at: string | null;
  shipped_at: string | null;
  delivered_at: string | null;
}

const columns = sql`shipment_id, customer_id, pickup_address, destination_address, weight_kg,
  price_cents, status, truck_id, signed_by, submitted_at, assigned_at, shipped_at, delivered_at`;

const toShipmentView = (row: ShipmentRow): ShipmentView => ({
  shipmentId: row.shipment_id,
  customerId: row.customer_id,
  pickupAddress: row.pickup_address,
  destinationAddress: row.destination_address,
  weightKg: row.weight_kg,
  priceCents: Number(row.price_cents),
  status: row.status,
  truckId: row.truck_id,
  ...(row.signed_by === null ? {} : { signedBy: row.signed_by }),
  submittedAt: row.submitted_at,
  ...(row.assigned_at === null ? {} : { assignedAt: row.assigned_at }),
  ...(row.shipped_at === null ? {} : { shippedAt: row.shipped_at }),
  ...(row.delivered_at === null ? {} : { deliveredAt: row.delivered_at }),
});

/** One shipment, or undefined when it was never submitted. */
export const getShipment = async (db: SqlReader, shipmentId: string): Promise<ShipmentView | undefined> => {
  const row = await db.get<ShipmentRow>(
    sql`SELECT ${columns} FROM ${shipmentsTable} WHERE shipment_id = ${shipmentId}`,
  );
  return row && toShipmentView(row);
};

/** Shipments in submission order, optionally by status and/or customer. */
export const listShipments = async (
  db: SqlReader,
  filter: ShipmentFilter,
): Promise<readonly ShipmentView[]> => {
  const conditions = [
    ...(filter.status === undefined ? [] : [sql`status = ${filter.status}`]),
    ...(filter.customerId === undefined ? [] : [sql`customer_id = ${filter.customerId}`]),
  ];
  const where = conditions.length === 0 ? sql.empty : sql`WHERE ${sql.join(conditions, sql` AND `)}`;
  const limit = filter.limit === undefined ? sql.empty : sql`LIMIT ${filter.limit}`;
  const rows = await db.all<ShipmentRow>(
    sql`SELECT ${columns} FROM ${shipmentsTable} ${where} ORDER BY position ${limit}`,
  );
  return rows.map(toShipmentView);
};

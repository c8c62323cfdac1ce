import type { RecordedEvent } from 'eventfold';
import type { PostgresEventStore, PostgresTransaction } from 'eventfold/postgres';
import type { ShipmentEvent } from '../shipments/events.js';
import type { ShipmentFilter, ShipmentRow, ShipmentView } from '../shipments/shipments-view.js';
import { shipmentsProjector as sqliteShipments, toShipmentView } from '../shipments/shipments-view.js';
import { postgresReadModel, quoteSchema, table } from './guard.js';

const ddlText = (schema: string) => `
CREATE TABLE IF NOT EXISTS ${table(schema, 'shipments')} (
  shipment_id text PRIMARY KEY,
  customer_id text NOT NULL,
  pickup_address text NOT NULL,
  destination_address text NOT NULL,
  weight_kg double precision NOT NULL,
  price_cents bigint NOT NULL,
  status text NOT NULL,
  truck_id text,
  signed_by text,
  submitted_at text NOT NULL,
  assigned_at text,
  shipped_at text,
  delivered_at text,
  position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS trucking_shipments_status ON ${table(schema, 'shipments')} (status, position);
CREATE INDEX IF NOT EXISTS trucking_shipments_customer ON ${table(schema, 'shipments')} (customer_id, position)`;

const applyEvent = async (tx: PostgresTransaction, recorded: RecordedEvent): Promise<void> => {
  const shipments = table(tx.schema, 'shipments');
  const event = recorded as unknown as ShipmentEvent;
  switch (event.type) {
    case 'ShipmentSubmitted': {
      const d = event.data;
      await tx.query(
        `INSERT INTO ${shipments} (shipment_id, customer_id, pickup_address, destination_address, weight_kg,
           price_cents, status, submitted_at, position)
         VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $8) ON CONFLICT (shipment_id) DO NOTHING`,
        [
          d.shipmentId,
          d.customerId,
          d.pickupAddress,
          d.destinationAddress,
          d.weightKg,
          d.priceCents,
          d.submittedAt,
          recorded.position,
        ],
      );
      return;
    }
    case 'TruckAssigned':
      await tx.query(
        `UPDATE ${shipments} SET status = 'assigned', truck_id = $2, assigned_at = $3 WHERE shipment_id = $1`,
        [event.data.shipmentId, event.data.truckId, event.data.assignedAt],
      );
      return;
    case 'ShipmentShipped':
      await tx.query(`UPDATE ${shipments} SET status = 'shipped', shipped_at = $2 WHERE shipment_id = $1`, [
        event.data.shipmentId,
        event.data.shippedAt,
      ]);
      return;
    case 'ShipmentDelivered':
      await tx.query(
        `UPDATE ${shipments} SET status = 'delivered', signed_by = $2, delivered_at = $3 WHERE shipment_id = $1`,
        [event.data.shipmentId, event.data.signedBy, event.data.deliveredAt],
      );
      return;
    default:
      return;
  }
};

/** The shipments read model on PostgreSQL: same name, filter and answers as the SQLite one. */
export const pgShipmentsProjector = postgresReadModel({
  mirrors: sqliteShipments,
  ddl: ddlText,
  tables: ['shipments'],
  applyEvent,
});

/** The two shipment queries on PostgreSQL. */
export const pgShipmentQueries = (store: PostgresEventStore) => {
  const shipments = table(quoteSchema(store.schema), 'shipments');
  return {
    getShipment: async (shipmentId: string): Promise<ShipmentView | undefined> => {
      const { rows } = await store.pool.query<ShipmentRow>(
        `SELECT * FROM ${shipments} WHERE shipment_id = $1`,
        [shipmentId],
      );
      return rows[0] && toShipmentView(rows[0]);
    },
    listShipments: async (filter: ShipmentFilter): Promise<readonly ShipmentView[]> => {
      // NULL parameters switch a filter off; LIMIT NULL means no limit.
      const { rows } = await store.pool.query<ShipmentRow>(
        `SELECT * FROM ${shipments}
         WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR customer_id = $2)
         ORDER BY position LIMIT $3`,
        [filter.status ?? null, filter.customerId ?? null, filter.limit ?? null],
      );
      return rows.map(toShipmentView);
    },
  };
};

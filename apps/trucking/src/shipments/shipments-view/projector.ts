import { type Projector, type RecordedEventOf, type SqlProjectionContext, sql } from 'eventfold';
import { type ShipmentEvent, shipmentEventTypes } from '../events.js';

/** The shipments read model's table: one row per submitted shipment. */
export const shipmentsTable = sql.table('trucking_shipments');

const createStatements = [
  sql`CREATE TABLE IF NOT EXISTS ${shipmentsTable} (
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
  )`,
  // List filters: by status, by customer; both ordered by submission (position).
  sql`CREATE INDEX IF NOT EXISTS ${sql.identifier('trucking_shipments_status')}
    ON ${shipmentsTable} (status, position)`,
  sql`CREATE INDEX IF NOT EXISTS ${sql.identifier('trucking_shipments_customer')}
    ON ${shipmentsTable} (customer_id, position)`,
];

const applyEvent = (ctx: SqlProjectionContext, event: RecordedEventOf<ShipmentEvent>): void => {
  switch (event.type) {
    case 'ShipmentSubmitted': {
      const d = event.data;
      ctx.run(sql`INSERT INTO ${shipmentsTable} (shipment_id, customer_id, pickup_address,
          destination_address, weight_kg, price_cents, status, submitted_at, position)
        VALUES (${d.shipmentId}, ${d.customerId}, ${d.pickupAddress}, ${d.destinationAddress},
          ${d.weightKg}, ${d.priceCents}, 'submitted', ${d.submittedAt}, ${event.position})
        ON CONFLICT (shipment_id) DO NOTHING`);
      return;
    }
    case 'TruckAssigned': {
      const { shipmentId, truckId, assignedAt } = event.data;
      ctx.run(sql`UPDATE ${shipmentsTable} SET status = 'assigned', truck_id = ${truckId},
          assigned_at = ${assignedAt}
        WHERE shipment_id = ${shipmentId}`);
      return;
    }
    case 'ShipmentShipped': {
      const { shipmentId, shippedAt } = event.data;
      ctx.run(sql`UPDATE ${shipmentsTable} SET status = 'shipped', shipped_at = ${shippedAt}
        WHERE shipment_id = ${shipmentId}`);
      return;
    }
    case 'ShipmentDelivered': {
      const { shipmentId, signedBy, deliveredAt } = event.data;
      ctx.run(sql`UPDATE ${shipmentsTable} SET status = 'delivered', signed_by = ${signedBy},
          delivered_at = ${deliveredAt}
        WHERE shipment_id = ${shipmentId}`);
      return;
    }
    default:
      // Exhaustive: a new event type in `types` must get its case.
      event satisfies never;
  }
};

/** Read model of every shipment, with the time of each step; the same on SQLite and PostgreSQL. */
export const shipmentsProjector: Projector<SqlProjectionContext, ShipmentEvent> = {
  name: 'trucking-shipments',
  version: 1,
  types: shipmentEventTypes,
  init: (ctx) => {
    for (const statement of createStatements) ctx.run(statement);
  },
  apply: (ctx, events) => {
    for (const event of events) applyEvent(ctx, event);
  },
  reset: (ctx) => {
    ctx.run(sql`DROP TABLE IF EXISTS ${shipmentsTable}`);
  },
};

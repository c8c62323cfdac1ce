import { Type } from '@sinclair/typebox';
import type { Database } from 'better-sqlite3';
import type { Projector, RecordedEvent } from 'eventfold';
import type { SqliteProjectionContext } from 'eventfold/sqlite';
import { IdString, ShipmentParams } from '../shared/http.js';
import { notFound, type ReadRouteDeps } from '../shared/read-routes.js';
import { preparedStatements } from '../shared/sql.js';
import { type ShipmentEvent, type ShipmentStatus, shipmentEventTypes, shipmentStreamId } from './events.js';

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

const DDL = `
CREATE TABLE IF NOT EXISTS trucking_shipments (
  shipment_id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  pickup_address TEXT NOT NULL,
  destination_address TEXT NOT NULL,
  weight_kg REAL NOT NULL,
  price_cents INTEGER NOT NULL,
  status TEXT NOT NULL,
  truck_id TEXT,
  signed_by TEXT,
  submitted_at TEXT NOT NULL,
  assigned_at TEXT,
  shipped_at TEXT,
  delivered_at TEXT,
  position INTEGER NOT NULL
);
-- List filters: by status, by customer; both ordered by submission (position).
CREATE INDEX IF NOT EXISTS trucking_shipments_status ON trucking_shipments (status, position);
CREATE INDEX IF NOT EXISTS trucking_shipments_customer ON trucking_shipments (customer_id, position);
`;

const statements = preparedStatements({
  insert: `INSERT INTO trucking_shipments (shipment_id, customer_id, pickup_address, destination_address,
             weight_kg, price_cents, status, submitted_at, position)
           VALUES (@shipmentId, @customerId, @pickupAddress, @destinationAddress, @weightKg, @priceCents,
             'submitted', @submittedAt, @position)
           ON CONFLICT (shipment_id) DO NOTHING`,
  assign: `UPDATE trucking_shipments SET status = 'assigned', truck_id = @truckId, assigned_at = @assignedAt
           WHERE shipment_id = @shipmentId`,
  ship: `UPDATE trucking_shipments SET status = 'shipped', shipped_at = @shippedAt WHERE shipment_id = @shipmentId`,
  deliver: `UPDATE trucking_shipments SET status = 'delivered', signed_by = @signedBy, delivered_at = @deliveredAt
            WHERE shipment_id = @shipmentId`,
  get: 'SELECT * FROM trucking_shipments WHERE shipment_id = ?',
  all: 'SELECT * FROM trucking_shipments ORDER BY position LIMIT @limit',
  byStatus: 'SELECT * FROM trucking_shipments WHERE status = @status ORDER BY position LIMIT @limit',
  byCustomer:
    'SELECT * FROM trucking_shipments WHERE customer_id = @customerId ORDER BY position LIMIT @limit',
  byBoth: `SELECT * FROM trucking_shipments WHERE customer_id = @customerId AND status = @status
           ORDER BY position LIMIT @limit`,
});

const applyEvent = (db: Database, recorded: RecordedEvent): void => {
  const run = statements(db);
  const event = recorded as unknown as ShipmentEvent;
  switch (event.type) {
    case 'ShipmentSubmitted':
      run.insert.run({ ...event.data, position: recorded.position });
      return;
    case 'TruckAssigned':
      run.assign.run(event.data);
      return;
    case 'ShipmentShipped':
      run.ship.run(event.data);
      return;
    case 'ShipmentDelivered':
      run.deliver.run(event.data);
      return;
    default:
      return;
  }
};

/** Read model of every shipment, with the time of each step. */
export const shipmentsProjector: Projector<SqliteProjectionContext, void> = {
  name: 'trucking-shipments',
  version: 1,
  filter: { types: [...shipmentEventTypes] },
  init: ({ database: db }) => {
    db.exec(DDL);
  },
  apply: ({ database: db }, events) => {
    for (const event of events) applyEvent(db, event);
  },
  reset: ({ database: db }) => {
    db.exec('DROP TABLE IF EXISTS trucking_shipments');
    db.exec(DDL);
  },
};

/** A shipments read-model row, as SQLite and PostgreSQL return it (`price_cents` is BIGINT text on PostgreSQL). */
export interface ShipmentRow {
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

/** The contract's shipment from its read-model row. */
export const toShipmentView = (row: ShipmentRow): ShipmentView => ({
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
export const getShipment = (db: Database, shipmentId: string): ShipmentView | undefined => {
  const row = statements(db).get.get(shipmentId) as ShipmentRow | undefined;
  return row && toShipmentView(row);
};

export interface ShipmentFilter {
  readonly status?: ShipmentStatus;
  readonly customerId?: string;
  /** Most rows returned, oldest submission first; all when absent. */
  readonly limit?: number;
}

/** Shipments in submission order, optionally by status and/or customer. */
export const listShipments = (db: Database, filter: ShipmentFilter): readonly ShipmentView[] => {
  const run = statements(db);
  const statement =
    filter.status && filter.customerId
      ? run.byBoth
      : filter.status
        ? run.byStatus
        : filter.customerId
          ? run.byCustomer
          : run.all;
  // SQLite reads a negative LIMIT as "no limit".
  return (statement.all({ ...filter, limit: filter.limit ?? -1 }) as ShipmentRow[]).map(toShipmentView);
};

const ShipmentsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([
        Type.Literal('submitted'),
        Type.Literal('assigned'),
        Type.Literal('shipped'),
        Type.Literal('delivered'),
      ]),
    ),
    customerId: Type.Optional(IdString),
    // Query strings are not coerced (bodies must not be), so the number is checked as text.
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
  },
  { additionalProperties: true },
);

/** `GET /shipments` (filters `status`, `customerId`) and `GET /shipments/:shipmentId`. */
export const shipmentsRoutes = ({ app, reads, projection, freshness }: ReadRouteDeps): void => {
  app.get(
    '/shipments',
    { schema: { querystring: ShipmentsQuery, summary: 'List shipments', tags: ['shipments'] } },
    async (request) => {
      await freshness.allSettled();
      await freshness.caughtUp(projection);
      const { status, customerId, limit } = request.query;
      return {
        items: await reads.listShipments({
          ...(status ? { status } : {}),
          ...(customerId ? { customerId } : {}),
          ...(limit ? { limit: Number(limit) } : {}),
        }),
      };
    },
  );
  app.get(
    '/shipments/:shipmentId',
    { schema: { params: ShipmentParams, summary: 'One shipment', tags: ['shipments'] } },
    async (request, reply) => {
      const { shipmentId } = request.params;
      await freshness.settled(shipmentStreamId(shipmentId));
      await freshness.caughtUp(projection);
      const shipment = await reads.getShipment(shipmentId);
      if (!shipment) return notFound(reply, `shipment ${shipmentId}`);
      return shipment;
    },
  );
};

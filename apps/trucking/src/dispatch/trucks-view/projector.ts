import { type Projector, type SqlProjectionContext, sql } from 'eventfold';
import type { ShipmentDelivered, TruckAssigned } from '../../shipments/events.js';

/** The trucks read model's table: every truck ever assigned and the shipment it carries now. */
export const trucksTable = sql.table('trucking_trucks');

/** Frees a truck only if it still carries this shipment: a later assignment may hold it already. */
const free = (truckId: string, shipmentId: string) =>
  sql`UPDATE ${trucksTable} SET shipment_id = NULL WHERE truck_id = ${truckId} AND shipment_id = ${shipmentId}`;

/** Read model of every truck ever assigned and what it carries now; the same on SQLite and PostgreSQL. */
export const trucksProjector: Projector<SqlProjectionContext, TruckAssigned | ShipmentDelivered> = {
  name: 'trucking-trucks',
  version: 1,
  types: ['TruckAssigned', 'ShipmentDelivered'],
  init: (ctx) => {
    ctx.run(sql`CREATE TABLE IF NOT EXISTS ${trucksTable} (
      truck_id text PRIMARY KEY,
      shipment_id text,
      first_position bigint NOT NULL
    )`);
  },
  apply: (ctx, events) => {
    for (const event of events) {
      switch (event.type) {
        case 'TruckAssigned': {
          const { shipmentId, truckId, previousTruckId } = event.data;
          if (previousTruckId !== null) ctx.run(free(previousTruckId, shipmentId));
          ctx.run(sql`INSERT INTO ${trucksTable} (truck_id, shipment_id, first_position)
            VALUES (${truckId}, ${shipmentId}, ${event.position})
            ON CONFLICT (truck_id) DO UPDATE SET shipment_id = excluded.shipment_id`);
          break;
        }
        case 'ShipmentDelivered':
          ctx.run(free(event.data.truckId, event.data.shipmentId));
          break;
        default:
          // Exhaustive: a new event type in `types` must get its case.
          event satisfies never;
      }
    }
  },
  reset: (ctx) => {
    ctx.run(sql`DROP TABLE IF EXISTS ${trucksTable}`);
  },
};

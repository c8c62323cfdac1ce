import type { RecordedEvent } from 'eventfold';
import type { PostgresEventStore, PostgresTransaction } from 'eventfold/postgres';
import { trucksProjector as sqliteTrucks, type TruckView } from '../dispatch/trucks-view.js';
import type { ShipmentEvent } from '../shipments/events.js';
import { postgresReadModel, quoteSchema, table } from './guard.js';

const ddlText = (schema: string) => `
CREATE TABLE IF NOT EXISTS ${table(schema, 'trucks')} (
  truck_id text PRIMARY KEY,
  shipment_id text,
  first_position bigint NOT NULL
)`;

const applyEvent = async (tx: PostgresTransaction, recorded: RecordedEvent): Promise<void> => {
  const trucks = table(tx.schema, 'trucks');
  // Frees a truck only if it still carries this shipment: a later assignment may hold it already.
  const free = (truckId: string, shipmentId: string) =>
    tx.query(`UPDATE ${trucks} SET shipment_id = NULL WHERE truck_id = $1 AND shipment_id = $2`, [
      truckId,
      shipmentId,
    ]);
  const event = recorded as unknown as ShipmentEvent;
  switch (event.type) {
    case 'TruckAssigned': {
      const { shipmentId, truckId, previousTruckId } = event.data;
      if (previousTruckId !== null) await free(previousTruckId, shipmentId);
      await tx.query(
        `INSERT INTO ${trucks} (truck_id, shipment_id, first_position) VALUES ($1, $2, $3)
         ON CONFLICT (truck_id) DO UPDATE SET shipment_id = excluded.shipment_id`,
        [truckId, shipmentId, recorded.position],
      );
      return;
    }
    case 'ShipmentDelivered':
      await free(event.data.truckId, event.data.shipmentId);
      return;
    default:
      return;
  }
};

/** The trucks read model on PostgreSQL: same name, filter and answers as the SQLite one. */
export const pgTrucksProjector = postgresReadModel({
  mirrors: sqliteTrucks,
  ddl: ddlText,
  tables: ['trucks'],
  applyEvent,
});

/** Every truck ever assigned, in order of first assignment. */
export const pgTruckQueries = (store: PostgresEventStore) => {
  const trucks = table(quoteSchema(store.schema), 'trucks');
  return {
    listTrucks: async (): Promise<readonly TruckView[]> => {
      const { rows } = await store.pool.query<{ truck_id: string; shipment_id: string | null }>(
        `SELECT truck_id, shipment_id FROM ${trucks} ORDER BY first_position`,
      );
      return rows.map((row) => ({
        truckId: row.truck_id,
        status: row.shipment_id === null ? 'available' : 'occupied',
        shipmentId: row.shipment_id,
      }));
    },
  };
};

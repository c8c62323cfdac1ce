import { type SqlReader, sql } from 'eventfold';
import { trucksTable } from './projector.js';

/** A truck as dispatch sees it. */
export interface TruckView {
  readonly truckId: string;
  readonly status: 'available' | 'occupied';
  readonly shipmentId: string | null;
}

interface TruckRow {
  truck_id: string;
  shipment_id: string | null;
}

const toView = (row: TruckRow): TruckView => ({
  truckId: row.truck_id,
  status: row.shipment_id === null ? 'available' : 'occupied',
  shipmentId: row.shipment_id,
});

/** Every truck ever assigned, in order of first assignment. */
export const listTrucks = async (db: SqlReader): Promise<readonly TruckView[]> =>
  (await db.all<TruckRow>(sql`SELECT truck_id, shipment_id FROM ${trucksTable} ORDER BY first_position`)).map(
    toView,
  );

/** One truck, or undefined when it was never assigned. */
export const getTruck = async (db: SqlReader, truckId: string): Promise<TruckView | undefined> => {
  const row = await db.get<TruckRow>(
    sql`SELECT truck_id, shipment_id FROM ${trucksTable} WHERE truck_id = ${truckId}`,
  );
  return row && toView(row);
};

import type { Database } from 'better-sqlite3';
import type { Projector, RecordedEvent } from 'eventfold';
import type { SqliteProjectionContext } from 'eventfold/sqlite';
import type { ReadRouteDeps } from '../shared/read-routes.js';
import { preparedStatements } from '../shared/sql.js';
import type { ShipmentEvent } from '../shipments/events.js';

/** A truck as dispatch sees it. */
export interface TruckView {
  readonly truckId: string;
  readonly status: 'available' | 'occupied';
  readonly shipmentId: string | null;
}

const DDL = `
CREATE TABLE IF NOT EXISTS trucking_trucks (
  truck_id TEXT PRIMARY KEY,
  shipment_id TEXT,
  first_position INTEGER NOT NULL
);
`;

const statements = preparedStatements({
  occupy: `INSERT INTO trucking_trucks (truck_id, shipment_id, first_position) VALUES (@truckId, @shipmentId, @position)
           ON CONFLICT (truck_id) DO UPDATE SET shipment_id = excluded.shipment_id`,
  // Frees the truck only if it still carries this shipment: a later assignment may hold it already.
  free: 'UPDATE trucking_trucks SET shipment_id = NULL WHERE truck_id = @truckId AND shipment_id = @shipmentId',
  all: 'SELECT truck_id, shipment_id FROM trucking_trucks ORDER BY first_position',
  get: 'SELECT truck_id, shipment_id FROM trucking_trucks WHERE truck_id = ?',
});

const applyEvent = (db: Database, recorded: RecordedEvent): void => {
  const run = statements(db);
  const event = recorded as unknown as ShipmentEvent;
  switch (event.type) {
    case 'TruckAssigned': {
      const { shipmentId, truckId, previousTruckId } = event.data;
      if (previousTruckId !== null) run.free.run({ truckId: previousTruckId, shipmentId });
      run.occupy.run({ truckId, shipmentId, position: recorded.position });
      return;
    }
    case 'ShipmentDelivered':
      run.free.run(event.data);
      return;
    default:
      return;
  }
};

/** Read model of every truck ever assigned and what it carries now. */
export const trucksProjector: Projector<SqliteProjectionContext, void> = {
  name: 'trucking-trucks',
  version: 1,
  filter: { types: ['TruckAssigned', 'ShipmentDelivered'] },
  init: ({ database: db }) => {
    db.exec(DDL);
  },
  apply: ({ database: db }, events) => {
    for (const event of events) applyEvent(db, event);
  },
  reset: ({ database: db }) => {
    db.exec('DROP TABLE IF EXISTS trucking_trucks');
    db.exec(DDL);
  },
};

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
export const listTrucks = (db: Database): readonly TruckView[] =>
  (statements(db).all.all() as TruckRow[]).map(toView);

/** One truck, or undefined when it was never assigned. */
export const getTruck = (db: Database, truckId: string): TruckView | undefined => {
  const row = statements(db).get.get(truckId) as TruckRow | undefined;
  return row && toView(row);
};

/** `GET /trucks`: every truck ever assigned, available or occupied. */
export const trucksRoutes = ({ app, reads, projection, freshness }: ReadRouteDeps): void => {
  app.get('/trucks', { schema: { summary: 'Every truck ever assigned', tags: ['dispatch'] } }, async () => {
    await freshness.allSettled();
    await freshness.caughtUp(projection);
    return { items: await reads.listTrucks() };
  });
};

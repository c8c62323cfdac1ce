import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Projector, RecordedEvent } from 'eventfold';
import {
  createPostgresStore,
  createPostgresTarget,
  type PostgresEventStore,
  type PostgresTarget,
  type PostgresTransaction,
} from 'eventfold/postgres';
import { recordGiven as given } from 'eventfold/testing';
import { assigned, delivered, submitted } from '../shipments/fixtures.test-support.js';
import { pgAccountQueries, pgAccountsProjector } from './accounts-view.js';
import { pgShipmentQueries, pgShipmentsProjector } from './shipments-view.js';
import { pgTruckQueries, pgTrucksProjector } from './trucks-view.js';

const url = process.env.TRUCKING_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
let store: PostgresEventStore;
let target: PostgresTarget;

before(async () => {
  store = createPostgresStore({
    connectionString: url,
    schema: `trucking_views_${randomUUID().replaceAll('-', '').slice(0, 12)}`,
  });
  target = createPostgresTarget(store);
  await target.setup();
});
after(async () => {
  await store.pool.query(`DROP SCHEMA IF EXISTS "${store.schema}" CASCADE`);
  await store.close();
});

type PgProjector = Projector<PostgresTransaction, Promise<void>>;
const init = (projector: PgProjector) =>
  target.transact(projector.name, (tx) => projector.init?.(tx) ?? Promise.resolve());
/** Applies a batch with its checkpoint, as the projection runtime does on every node. */
const apply = (projector: PgProjector, events: readonly RecordedEvent[], via: PostgresTarget = target) =>
  via.transact(projector.name, (tx) => projector.apply(tx, events), {
    position: events[events.length - 1]?.position ?? 0,
    version: 1,
  });

const charged = (shipmentId: string, amountCents: number) => ({
  type: 'CustomerCharged',
  data: { accountId: 'C1', shipmentId, amountCents, chargedAt: '2026-01-01T11:00:00.000Z' },
});

test('postgres read models answer like the SQLite ones', async () => {
  const events = given([
    submitted('S1'),
    assigned('S1', 'T1'),
    assigned('S1', 'T2', 'T1'),
    charged('S0', 700),
  ]);
  for (const projector of [pgShipmentsProjector, pgTrucksProjector, pgAccountsProjector]) {
    await init(projector);
    await apply(projector, events);
  }
  const shipment = await pgShipmentQueries(store).getShipment('S1');
  assert.equal(shipment?.status, 'assigned');
  assert.equal(shipment?.truckId, 'T2');
  assert.equal(shipment?.priceCents, 15_000);
  assert.deepEqual(
    (await pgShipmentQueries(store).listShipments({ customerId: 'C1', status: 'assigned' })).map(
      (s) => s.shipmentId,
    ),
    ['S1'],
  );
  assert.deepEqual(await pgTruckQueries(store).listTrucks(), [
    { truckId: 'T1', status: 'available', shipmentId: null },
    { truckId: 'T2', status: 'occupied', shipmentId: 'S1' },
  ]);
  const account = await pgAccountQueries(store).getAccount('C1');
  assert.equal(account?.chargedCents, 700);
  assert.equal(account?.balanceCents, -700);
  assert.equal(await pgAccountQueries(store).getAccount('nobody'), undefined);
});

test('two nodes applying the same batches at once apply each event once', async () => {
  const second = createPostgresStore({ connectionString: url, schema: store.schema });
  try {
    const otherNode = createPostgresTarget(second);
    // Positions after the first test's events, as the log would hand them out.
    const batch = given([
      { type: 'Filler', data: {} },
      { type: 'Filler', data: {} },
      { type: 'Filler', data: {} },
      { type: 'Filler', data: {} },
      charged('S10', 1_000),
      charged('S11', 2_000),
      { ...delivered('S1', 'T2'), streamId: 'shipment-S1' },
    ]).slice(4);
    await Promise.all([
      apply(pgAccountsProjector, batch),
      apply(pgAccountsProjector, batch, otherNode),
      apply(pgTrucksProjector, batch),
      apply(pgTrucksProjector, batch, otherNode),
    ]);
    const account = await pgAccountQueries(store).getAccount('C1');
    assert.equal(account?.chargedCents, 700 + 3_000);
    assert.equal(account?.transactions.length, 3);
    // A stale batch arriving late changes nothing either.
    await apply(pgTrucksProjector, given([submitted('S9'), assigned('S9', 'T2')]));
    assert.deepEqual(await pgTruckQueries(store).listTrucks(), [
      { truckId: 'T1', status: 'available', shipmentId: null },
      { truckId: 'T2', status: 'available', shipmentId: null },
    ]);
  } finally {
    await second.close();
  }
});

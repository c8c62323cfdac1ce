import { rebuildProjection } from 'eventfold';
import {
  createPostgresCommandLog,
  createPostgresProjectionOwnership,
  createPostgresStore,
  createPostgresTarget,
  type PostgresCommandLog,
  type PostgresEventStore,
} from 'eventfold/postgres';
import { checkpointAfterWork } from '../accounting/charge-on-delivery.js';
import type { TruckingBackend } from '../backend.js';
import { pgAccountQueries, pgAccountsProjector } from './accounts-view.js';
import { pgShipmentQueries, pgShipmentsProjector } from './shipments-view.js';
import { pgTruckQueries, pgTrucksProjector } from './trucks-view.js';

/** Where the PostgreSQL backend connects. */
export interface PostgresBackendConfig {
  readonly connectionString: string;
  /** Schema of the events, command log, checkpoints and read models. Default `trucking`. */
  readonly schema?: string;
  readonly clock?: () => Date;
}

/**
 * Production backend: events, command log, checkpoints and read models in one PostgreSQL schema.
 * Several application nodes may share it: the command log leases partitions between nodes, and
 * every read-model batch applies only events it has not applied yet (see `applyOnce`).
 */
export const openPostgresBackend = (config: PostgresBackendConfig): TruckingBackend => {
  const store: PostgresEventStore = createPostgresStore({
    connectionString: config.connectionString,
    schema: config.schema ?? 'trucking',
    source: 'great-plains-trucking',
    ...(config.clock ? { clock: config.clock } : {}),
  });
  const commandLog: PostgresCommandLog = createPostgresCommandLog({
    store,
    ...(config.clock ? { clock: config.clock } : {}),
  });
  const target = createPostgresTarget(store);
  // One node at a time runs each read model (a session advisory lock per projection); the others
  // stand by and take over within about a second when it dies. applyOnce stays as the safety net.
  const ownership = createPostgresProjectionOwnership({ store });
  const projectors = [pgShipmentsProjector, pgTrucksProjector, pgAccountsProjector] as const;
  return {
    store,
    commandLog,
    startProjections: (log) => ({
      shipments: ownership.start({ store, projector: pgShipmentsProjector, target, logger: log }),
      trucks: ownership.start({ store, projector: pgTrucksProjector, target, logger: log }),
      accounts: ownership.start({ store, projector: pgAccountsProjector, target, logger: log }),
    }),
    rebuildProjections: async (log) => {
      for (const projector of projectors) await rebuildProjection({ store, projector, target, logger: log });
    },
    reads: { ...pgShipmentQueries(store), ...pgTruckQueries(store), ...pgAccountQueries(store) },
    listenerTarget: checkpointAfterWork(target),
    // The delivery→charge listener is idempotent by command id, but N nodes would do its work N times.
    startListener: ownership.start,
    // The log holds partition leases (session advisory locks) and a LISTEN connection on their own
    // connections: release them before the pool ends so another node takes the partitions at once
    // instead of waiting for the server to notice this session is gone.
    close: async () => {
      await commandLog.close();
      await ownership.close();
      await store.close();
    },
  };
};

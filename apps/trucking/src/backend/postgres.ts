import {
  createPostgresCommandLog,
  createPostgresProjectionOwnership,
  createPostgresStore,
  createPostgresTarget,
} from 'eventfold/postgres';
import { checkpointAfterWork } from '../accounting/charge-on-delivery.js';
import { rebuildReadModels, startReadModels } from '../read-models.js';
import type { TruckingBackend } from './types.js';

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
 * the target's compare-and-set checkpoint applies every read-model batch once, whichever node gets
 * there first.
 */
export const openPostgresBackend = (config: PostgresBackendConfig): TruckingBackend => {
  const store = createPostgresStore({
    connectionString: config.connectionString,
    schema: config.schema ?? 'trucking',
    source: 'great-plains-trucking',
    ...(config.clock ? { clock: config.clock } : {}),
  });
  const commandLog = createPostgresCommandLog({ store, ...(config.clock ? { clock: config.clock } : {}) });
  const target = createPostgresTarget(store);
  // One node at a time runs each read model (a session advisory lock per projection); the others
  // stand by and take over within about a second when it dies.
  const ownership = createPostgresProjectionOwnership({ store });
  const readModels = { store, target, start: ownership.start };
  return {
    store,
    commandLog,
    readModels: target.reader,
    startProjections: (log) => startReadModels(readModels, log),
    rebuildProjections: (log) => rebuildReadModels(readModels, log),
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

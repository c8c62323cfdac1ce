import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startProjection } from 'eventfold';
import { createSqliteCommandLog, createSqliteStore, createSqliteTarget } from 'eventfold/sqlite';
import { checkpointAfterWork } from '../accounting/charge-on-delivery.js';
import { rebuildReadModels, startReadModels } from '../read-models.js';
import type { BackendConfig, TruckingBackend } from './types.js';

/** The embedded default: one SQLite file in `dataDir`. */
export const openSqliteBackend = (config: BackendConfig): TruckingBackend => {
  mkdirSync(config.dataDir, { recursive: true });
  const store = createSqliteStore({
    path: join(config.dataDir, 'trucking.sqlite'),
    durability: config.durability ?? 'full',
    source: 'great-plains-trucking',
    ...(config.clock ? { clock: config.clock } : {}),
  });
  const target = createSqliteTarget(store);
  const readModels = { store, target, start: startProjection };
  return {
    store,
    commandLog: createSqliteCommandLog({ store, ...(config.clock ? { clock: config.clock } : {}) }),
    readModels: target.reader,
    startProjections: (log) => startReadModels(readModels, log),
    rebuildProjections: (log) => rebuildReadModels(readModels, log),
    listenerTarget: checkpointAfterWork(target),
    close: () => store.close(),
  };
};

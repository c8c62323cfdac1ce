import type { EventStore, StoreOptions } from 'eventfold';
import { type ConformanceBackend, describeEventStoreConformance, type StoreHandle } from './conformance.js';
import { openSchema } from './postgres-support.js';

// Each conformance test runs in a schema of its own; reopen and openAnother use new pools on it.
const backend: ConformanceBackend = {
  name: 'postgres',
  create: async (options?: StoreOptions): Promise<StoreHandle> => {
    const schema = openSchema(options);
    let current: EventStore = schema.open();
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = schema.open();
        return current;
      },
      openAnother: async () => schema.open(),
      dispose: schema.dispose,
    };
  },
};

describeEventStoreConformance(backend);

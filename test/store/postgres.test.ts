import type { EventStore, StoreOptions } from 'eventfold';
import {
  describeEventStoreContract,
  type EventStoreContractBackend,
  type EventStoreContractHandle,
} from 'eventfold/testing';
import { openSchema } from './postgres-support.js';

// Each conformance test runs in a schema of its own; reopen and openAnother use new pools on it.
const backend: EventStoreContractBackend = {
  name: 'postgres',
  create: async (options?: StoreOptions): Promise<EventStoreContractHandle> => {
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

describeEventStoreContract(backend);

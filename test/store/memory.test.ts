import { createMemoryStore } from 'eventfold';
import { describeEventStoreContract } from 'eventfold/testing';
import { sharedViewsBackend } from './shared-views.js';

describeEventStoreContract({
  name: 'memory',
  create: async (options) => ({ store: createMemoryStore(options) }),
});

// The same memory store behind several views also runs the restart and cross-instance tests.
describeEventStoreContract(sharedViewsBackend('memory (shared views)', createMemoryStore));

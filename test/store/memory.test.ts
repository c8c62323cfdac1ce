import { createMemoryStore } from 'eventfold';
import { sharedViewsBackend } from './conformance/shared-views.js';
import { describeEventStoreConformance } from './conformance.js';

describeEventStoreConformance({
  name: 'memory',
  create: async (options) => ({ store: createMemoryStore(options), dispose: async () => {} }),
});

// The same memory store behind several views also runs the restart and cross-instance tests.
describeEventStoreConformance(sharedViewsBackend('memory (shared views)', createMemoryStore));

import { createMemoryStore } from 'eventfold';
import { describeEventStoreConformance } from './conformance.js';

describeEventStoreConformance({
  name: 'memory',
  create: async (options) => ({ store: createMemoryStore(options), dispose: async () => {} }),
});

export type { MemoryStoreOptions } from './store.js';
export { createMemoryStore } from './store.js';

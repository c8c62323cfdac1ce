/** The in-memory backend, re-exported by the main entry: store, command log, projection target, snapshots. */
export type { MemoryCommandLogOptions } from './command-log.js';
export { createMemoryCommandLog } from './command-log.js';
export { createMemorySnapshotStore } from './snapshots.js';
export type { MemoryStoreOptions } from './store.js';
export { createMemoryStore } from './store.js';
export { createMemoryTarget, type MemoryProjectionContext, type MemoryTarget } from './target.js';

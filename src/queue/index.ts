/** The durable partitioned queue engine: command log port, ordered workers per key, leases, outcomes, waiters. */
export { createQueueEngine } from './engine.js';
export { timeOrderedId } from './ids.js';
export { commandFingerprint, DEFAULT_PARTITION_COUNT, partitionOf } from './records.js';
export type * from './types.js';

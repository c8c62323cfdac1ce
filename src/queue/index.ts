/** The durable partitioned queue: command log port, ordered workers per key, leases, outcomes, waiters. */
export { timeOrderedId } from './ids.js';
export { createCommandQueue } from './queue.js';
export { commandFingerprint, DEFAULT_PARTITION_COUNT, partitionOf } from './records.js';
export type * from './types.js';

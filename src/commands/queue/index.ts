/** The queued command path: durable command log, partitioned ordered workers, outcomes. */
export type { QueuedCommandOptions } from './handler.js';
export { defineQueuedCommand, preCheckWhenIdle, queuedCommand } from './handler.js';
export { timeOrderedId } from './ids.js';
export type { MemoryCommandLogOptions } from './memory-log.js';
export { createMemoryCommandLog } from './memory-log.js';
export { createCommandQueue } from './queue.js';
export { commandFingerprint, DEFAULT_PARTITION_COUNT, partitionOf } from './records.js';
export type * from './types.js';

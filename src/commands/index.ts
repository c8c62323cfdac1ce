export { prepareDecision, stampEvents } from './decide.js';
export { defineCommand } from './define.js';
export { DEFAULT_CONFLICT_RETRIES, handle } from './handle.js';
export { loadState } from './load.js';
export type { CommandQueueOptions } from './queued.js';
export { createCommandQueue, preCheckWhenIdle } from './queued.js';
export {
  DEFAULT_SNAPSHOT_EVERY,
  saveSnapshotIfDue,
  snapshotDue,
  snapshotKey,
} from './snapshots.js';
export type * from './types.js';
export type { StateView, StateViewDefinition } from './views.js';
export { combine, stateView } from './views.js';

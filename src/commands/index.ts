export { prepareDecision, stampEvents } from './decide.js';
export { DEFAULT_RETRIES, handle } from './handle.js';
export { loadState } from './load.js';
export {
  DEFAULT_SNAPSHOT_EVERY,
  saveSnapshotIfDue,
  snapshotDue,
  snapshotKey,
} from './snapshots.js';
export type * from './types.js';

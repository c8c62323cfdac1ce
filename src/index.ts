/**
 * Eventfold: event sourcing for TypeScript. The main entry holds the core model, the store
 * contract, the in-memory store and the runtime; drivers live behind subpath entries
 * (`eventfold/sqlite`, `eventfold/postgres`), test helpers behind `eventfold/testing`.
 */

export type {
  CommandContext,
  CommandSpec,
  DecideOptions,
  HandleOptions,
  HandleResult,
  LoadedState,
  PreparedDecision,
  PreparedEvents,
  PreparedRejection,
  Snapshot,
  SnapshotOptions,
  SnapshotStore,
} from './commands/index.js';
export {
  createMemorySnapshotStore,
  DEFAULT_RETRIES,
  DEFAULT_SNAPSHOT_EVERY,
  handle,
  loadState,
  prepareDecision,
  saveSnapshotIfDue,
  snapshotDue,
  snapshotKey,
  stampEvents,
} from './commands/index.js';
export type {
  MemoryCommandLogOptions,
  QueuedCommandOptions,
} from './commands/queue/index.js';
export {
  commandFingerprint,
  createCommandQueue,
  createMemoryCommandLog,
  DEFAULT_PARTITION_COUNT,
  defineQueuedCommand,
  partitionOf,
  preCheckWhenIdle,
  queuedCommand,
  timeOrderedId,
} from './commands/queue/index.js';
export type * from './commands/queue/types.js';
export type { Decider, Decision, Rejection } from './core/decider.js';
export { assertNever, fold, isRejection, reject } from './core/decider.js';
export type { EventMetadata, Message, NewEvent, RecordedEvent } from './core/envelope.js';
export { toCloudEvent } from './core/envelope.js';
export type { ErrorCode, ErrorDetail } from './core/errors.js';
export {
  ConcurrencyError,
  ConditionFailedError,
  DuplicateEventIdError,
  EventfoldError,
  IdempotencyMismatchError,
  isConcurrencyError,
  isConditionFailedError,
  isDuplicateEventIdError,
  isEventfoldError,
  isIdempotencyMismatchError,
  isNotFoundError,
  isRejectedError,
  isSerializationError,
  isStreamDeletedError,
  isValidationError,
  NotFoundError,
  RejectedError,
  SerializationError,
  StoreClosedError,
  StreamDeletedError,
  ValidationError,
} from './core/errors.js';
export type { JsonArray, JsonObject, JsonPrimitive, JsonValue } from './core/json.js';
export type {
  AppendCondition,
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  Query,
  QueryItem,
  ReadAllOptions,
  ReadStreamOptions,
  StreamMetadata,
  StreamState,
  SubscribeOptions,
  Subscription,
} from './core/store.js';
export type {
  MemoryProjectionContext,
  MemoryTarget,
  ProjectionCheckpoint,
  ProjectionHandle,
  ProjectionLag,
  ProjectionOptions,
  ProjectionTarget,
  Projector,
  RebuildOptions,
  RebuildProgress,
} from './projections/index.js';
export {
  applyBatch,
  catchUpProjection,
  createMemoryTarget,
  DEFAULT_PROJECTION_BATCH_SIZE,
  DEFAULT_RESTART_DELAY_MS,
  DEFAULT_WAIT_MS,
  rebuildProjection,
  startProjection,
} from './projections/index.js';
export type { MemoryStoreOptions } from './store/memory/index.js';
export { createMemoryStore } from './store/memory/index.js';
export type { StoreOptions } from './store/shared/options.js';

/**
 * Eventfold: event sourcing for TypeScript. The main entry holds the core model, the store
 * contract, the in-memory store and the runtime; drivers live behind subpath entries
 * (`eventfold/sqlite`, `eventfold/postgres`), test helpers behind `eventfold/testing`.
 */

export type {
  CommandContext,
  CommandDefinition,
  CommandDefinitionBase,
  CommandQueueOptions,
  DecideOptions,
  DeciderCommandDefinition,
  DefinitionDecider,
  HandleOptions,
  HandleResult,
  LoadedState,
  PreCheckContext,
  PreparedDecision,
  PreparedEvents,
  PreparedRejection,
  Snapshot,
  SnapshotOptions,
  SnapshotStore,
  StateView,
  StateViewDefinition,
  ViewCommandDefinition,
} from './commands/index.js';
export {
  combine,
  createCommandQueue,
  DEFAULT_CONFLICT_RETRIES,
  DEFAULT_SNAPSHOT_EVERY,
  defineCommand,
  handle,
  loadState,
  preCheckWhenIdle,
  prepareDecision,
  saveSnapshotIfDue,
  snapshotDue,
  snapshotKey,
  stampEvents,
  stateView,
} from './commands/index.js';
export type { Decider, Decision, Rejection } from './core/decider.js';
export { assertNever, fold, isRejection, reject } from './core/decider.js';
export type { EventMetadata, Message, NewEvent, RecordedEvent } from './core/envelope.js';
export { toCloudEvent } from './core/envelope.js';
export type { ErrorCode, ErrorDetail } from './core/errors.js';
export {
  ConcurrencyError,
  ConditionFailedError,
  DuplicateEventIdError,
  ErrorCodes,
  EventfoldError,
  IdempotencyMismatchError,
  InternalError,
  isConcurrencyError,
  isConditionFailedError,
  isDuplicateEventIdError,
  isEventfoldError,
  isIdempotencyMismatchError,
  isInternalError,
  isNotFoundError,
  isRejectedError,
  isSerializationError,
  isStoreClosedError,
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
export type { LogFn, Logger } from './core/logger.js';
export { silentLogger } from './core/logger.js';
export type {
  AppendCondition,
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  Query,
  QueryItem,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  StreamMetadata,
  StreamState,
  SubscribeOptions,
  Subscription,
} from './core/store.js';
export type {
  MemoryCommandLogOptions,
  MemoryProjectionContext,
  MemoryStoreOptions,
  MemoryTarget,
} from './memory/index.js';
export {
  createMemoryCommandLog,
  createMemorySnapshotStore,
  createMemoryStore,
  createMemoryTarget,
} from './memory/index.js';
export type {
  OwnedProjectionOptions,
  ProjectionCheckpoint,
  ProjectionHandle,
  ProjectionLag,
  ProjectionLocks,
  ProjectionOptions,
  ProjectionTarget,
  Projector,
  ProjectorDefinition,
  RebuildOptions,
  RebuildProgress,
  RecordedEventOf,
  SqlArg,
  SqlIdentifier,
  SqlProjectionContext,
  SqlReader,
  SqlStatement,
  SqlTarget,
  SqlValue,
} from './projections/index.js';
export {
  applyBatch,
  catchUpProjection,
  DEFAULT_OWNERSHIP_RETRY_MS,
  DEFAULT_PROJECTION_BATCH_SIZE,
  DEFAULT_RESTART_DELAY_MS,
  DEFAULT_WAIT_MS,
  rebuildProjection,
  sql,
  startOwnedProjection,
  startProjection,
} from './projections/index.js';
export {
  commandFingerprint,
  DEFAULT_PARTITION_COUNT,
  partitionOf,
  timeOrderedId,
} from './queue/index.js';
export type * from './queue/types.js';
export type { StoreOptions } from './shared/options.js';

/**
 * Eventfold: event sourcing for TypeScript. The main entry holds the core model, the store
 * contract, the in-memory store and the runtime; drivers live behind subpath entries
 * (`eventfold/sqlite`, `eventfold/postgres`), test helpers behind `eventfold/testing`.
 */

// Commands: one definition per command, handled directly (`handle`) or through the durable queue.
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
  defineCommand,
  handle,
  preCheckWhenIdle,
  prepareDecision,
  snapshotKey,
  stateView,
} from './commands/index.js';
// The model: deciders, the event envelope, JSON values.
export type { Decider, Decision, Rejection } from './core/decider.js';
export { assertNever, fold, isRejection, reject } from './core/decider.js';
export type { EventMetadata, Message, NewEvent, RecordedEvent } from './core/envelope.js';
export { toCloudEvent } from './core/envelope.js';
// Errors: the catalogue of codes, the typed errors and their guards (which work across package copies).
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
// The logging port every `logger` option takes (a pino logger fits); silent by default.
export type { LogFn, Logger } from './core/logger.js';
export { silentLogger } from './core/logger.js';
// The event store contract every backend implements.
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
// The in-memory backend: store, command log, snapshots and projection target.
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
// Projections: projectors, their targets and portable SQL, running, rebuilding and owning them.
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
  catchUpProjection,
  rebuildProjection,
  sql,
  startOwnedProjection,
  startProjection,
} from './projections/index.js';
// The queue's records and the command log port its adapters implement.
export { timeOrderedId } from './queue/index.js';
export type {
  CommandAppend,
  CommandError,
  CommandLog,
  CommandOutcome,
  CommandQueue,
  CommandRecord,
  CommandStatus,
  CompleteResult,
  EnqueueInput,
  EnqueueOptions,
  EnqueueResult,
  FinalCommandStatus,
  NextCommandsQuery,
  PartitionLease,
} from './queue/types.js';
// Options every store backend accepts.
export type { StoreOptions } from './shared/options.js';

import type { EventMetadata, Message, NewEvent } from '../core/envelope.js';
import type { ErrorDetail } from '../core/errors.js';
import type { JsonObject } from '../core/json.js';
import type { Logger } from '../core/logger.js';
import type { AppendOptions, AppendResult } from '../core/store.js';

/**
 * Life of a queued command:
 * - `accepted`: durably recorded, not processed yet (or being retried);
 * - `succeeded`: its events (possibly none) are stored, in the same transaction as this status;
 * - `rejected`: the decider refused it; `error` holds `{ code: <rejection reason>, message, details }`;
 * - `failed`: processing threw unexpected errors `maxAttempts` times (dead letter); `error` holds the
 *   last one. Final like the others: later commands of the same partition key go on.
 */
export type CommandStatus = 'accepted' | 'succeeded' | 'rejected' | 'failed';

/** A final status: the command will never be processed again. */
export type FinalCommandStatus = Exclude<CommandStatus, 'accepted'>;

/** The error of a rejected or failed command, as shown to clients. */
export interface CommandError {
  readonly code: string;
  readonly message: string;
  readonly details: readonly ErrorDetail[];
}

/** One command in the durable command log. */
export interface CommandRecord {
  readonly commandId: string;
  /** Entity key (e.g. the shipment id): commands sharing it are processed one at a time, in order. */
  readonly partitionKey: string;
  /** Ownership bucket of the key: `hash(partitionKey) mod partitionCount`. */
  readonly partition: number;
  /** Arrival order in the whole log (increasing; gaps allowed). */
  readonly seq: number;
  readonly type: string;
  readonly data: JsonObject;
  /** Correlation, causation, actor: copied onto every event the command produces. */
  readonly metadata: EventMetadata;
  readonly idempotencyKey: string | null;
  /** Hash of the request that created the command; a repeat with another fingerprint is refused. */
  readonly fingerprint: string;
  readonly status: CommandStatus;
  /** Processing attempts that ended in an unexpected error (conflict retries are not counted). */
  readonly attempts: number;
  readonly error: CommandError | null;
  /** What processing produced, for clients (e.g. `{ streamId, position, events }`). */
  readonly result: JsonObject | null;
  /** ISO 8601 UTC. */
  readonly acceptedAt: string;
  /** ISO 8601 UTC, set with the final status. */
  readonly processedAt: string | null;
}

/** What `CommandLog.enqueue` records. */
export interface EnqueueInput {
  readonly commandId: string;
  readonly partitionKey: string;
  readonly command: Message;
  readonly metadata?: EventMetadata;
  readonly idempotencyKey?: string;
  /** Identifies the request for idempotency checks; defaults to a hash of the command's type and data. */
  readonly fingerprint?: string;
}

/** The recorded command; `duplicate` when an earlier identical request (same id or key) recorded it. */
export interface EnqueueResult {
  readonly record: CommandRecord;
  readonly duplicate: boolean;
}

/** Events to store atomically with a command's `succeeded` status. */
export interface CommandAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly options: AppendOptions;
}

/** How processing ended. */
export type CommandOutcome =
  | { readonly status: 'succeeded'; readonly result: JsonObject; readonly append?: CommandAppend }
  | { readonly status: 'rejected'; readonly error: CommandError }
  | { readonly status: 'failed'; readonly error: CommandError };

/** `applied: false` when the command was already final: nothing was written (never applied twice). */
export interface CompleteResult {
  readonly applied: boolean;
  readonly record: CommandRecord;
  readonly append?: AppendResult;
}

/**
 * The partitions a worker may process. On SQLite (one process owns the file) and in memory, every
 * partition is owned at once. Backends shared by several processes (PostgreSQL) lease partitions
 * (advisory locks or heartbeated leases), so `partitions()` may change over time; a partition has at
 * most one live owner, which keeps per-key order across nodes.
 */
export interface PartitionLease {
  readonly ownerId: string;
  /** Partitions owned right now. */
  readonly partitions: () => readonly number[];
  /** Gives the partitions up so another node can take over at once. */
  readonly release: () => Promise<void>;
}

/** Which accepted commands a worker should start next. */
export interface NextCommandsQuery {
  readonly partitions: readonly number[];
  /** Keys already being processed (or backing off) here: skipped, to keep one command per key in flight. */
  readonly excludeKeys: ReadonlySet<string>;
  readonly limit: number;
}

/**
 * Durable command log port. Implementations: `createMemoryCommandLog`, `createSqliteCommandLog`
 * (table `ef_commands` in the store's file); a PostgreSQL one implements the same contract.
 *
 * Guarantees every implementation keeps:
 * - `enqueue` resolves only once the command is durably committed;
 * - dedupe by `commandId` and by `idempotencyKey`: a repeat with the same fingerprint returns the
 *   first record (`duplicate: true`), a different fingerprint throws `IdempotencyMismatchError`;
 * - `complete` writes the events and the final status in ONE transaction, guarded by
 *   `status = 'accepted'`, so a command is never applied twice; a `ConcurrencyError` or
 *   `ConditionFailedError` from the append rolls everything back and is thrown to the caller.
 */
export interface CommandLog {
  /** Number of ownership buckets partition keys hash into. Fixed for the lifetime of a log's data. */
  readonly partitionCount: number;
  readonly enqueue: (input: EnqueueInput) => Promise<EnqueueResult>;
  readonly get: (commandId: string) => Promise<CommandRecord | undefined>;
  readonly findByIdempotencyKey: (idempotencyKey: string) => Promise<CommandRecord | undefined>;
  /** Accepted commands of `partitionKey` recorded before `seq` (all of them without `seq`). */
  readonly countPending: (partitionKey: string, beforeSeq?: number) => Promise<number>;
  /** Takes ownership of partitions for `ownerId`. */
  readonly acquire: (ownerId: string) => Promise<PartitionLease>;
  /**
   * The oldest accepted command of each partition key in `partitions`, keys in `excludeKeys`
   * skipped, in arrival order, at most `limit`.
   */
  readonly next: (query: NextCommandsQuery) => Promise<readonly CommandRecord[]>;
  readonly complete: (commandId: string, outcome: CommandOutcome) => Promise<CompleteResult>;
  /** Counts a failed attempt (unexpected error) and keeps the command accepted for a retry. */
  readonly recordAttempt: (commandId: string, error: CommandError) => Promise<CommandRecord | undefined>;
  /**
   * Optional: calls `listener` when another process enqueued or finished commands (e.g. PostgreSQL
   * LISTEN/NOTIFY), so workers and waiters react at once instead of at the next poll. Returns an
   * unsubscribe function. Changes made through this log object need no notification.
   */
  readonly onForeignChange?: (listener: () => void) => () => void;
}

/**
 * One unit of work as the engine hands it to its handler: a durable record of the log, reduced to
 * what processing needs. Commands are one kind of work item; the engine knows nothing of deciding.
 */
export type WorkItem = Pick<
  CommandRecord,
  'commandId' | 'partitionKey' | 'type' | 'data' | 'metadata' | 'attempts'
>;

/**
 * How processing a work item ended, as the handler sees it: `succeeded` (optionally with events
 * to append atomically with the outcome) or `rejected`. `failed` is the engine's to decide.
 */
export type WorkOutcome = Exclude<CommandOutcome, { readonly status: 'failed' }>;

/** Given to a handler's pre-check: facts about the item about to be recorded. */
export interface EnqueueCheckContext {
  /** The id the item will be recorded under. */
  readonly commandId: string;
  /** The metadata it will be recorded with. */
  readonly metadata: EventMetadata;
  /** Accepted items of the same partition key still waiting to be processed. */
  readonly pending: () => Promise<number>;
}

/**
 * How the engine runs one type of work item. `process` may throw: a conflict
 * (`ConcurrencyError` / `ConditionFailedError`, also from committing its append) makes the engine
 * call it again at once, a typed refusal (`RejectedError`, `ValidationError`, `NotFoundError`)
 * ends the item `rejected`, anything else is retried with backoff and ends `failed`.
 */
export interface WorkHandler {
  readonly type: string;
  /** Items sharing a key are processed one at a time, in arrival order. */
  readonly partitionKey: (message: Message) => string;
  readonly process: (item: WorkItem) => Promise<WorkOutcome>;
  /**
   * Runs before the item is recorded; throw a typed error (e.g. `RejectedError` → 409,
   * `NotFoundError` → 404) to refuse it at once when its outcome is certain.
   */
  readonly preCheck?: (message: Message, context: EnqueueCheckContext) => Promise<void>;
}

/** Options of `queue.enqueue`. */
export interface EnqueueOptions {
  /** Defaults to a new UUID. */
  readonly commandId?: string;
  readonly idempotencyKey?: string;
  /**
   * Identifies the request for idempotency (the HTTP layer hashes method, path and body). Without
   * it the command's type and data are hashed: pass one when the command holds generated values
   * (ids, timestamps), or a retried request would not match its first attempt.
   */
  readonly fingerprint?: string;
  readonly metadata?: EventMetadata;
  /** Run the handler's `preCheck` (default true). */
  readonly preCheck?: boolean;
}

/** Options of `createQueueEngine` (and, with `store` and `commands`, of `createCommandQueue`). */
export interface QueueEngineOptions {
  readonly log: CommandLog;
  readonly handlers: readonly WorkHandler[];
  /** Items processed in parallel (different keys). Default 8. */
  readonly concurrency?: number;
  /** Unexpected-error attempts before a command is `failed`. Default 5. */
  readonly maxAttempts?: number;
  /** First retry delay after an unexpected error, doubled each attempt. Default 100 ms. */
  readonly backoffMs?: number;
  /** Cap of the retry delay. Default 10 s. */
  readonly maxBackoffMs?: number;
  /** Immediate re-runs after a ConcurrencyError/ConditionFailedError, per attempt. Default 20. */
  readonly conflictRetries?: number;
  /** Poll for commands enqueued or completed by other processes. Default 500 ms. */
  readonly pollIntervalMs?: number;
  /**
   * Load levelling: while commands keep being accepted here (one in the last 20 ms) and more are
   * ready than the free workers can take, a new batch of work starts at most every this many ms,
   * so a burst is recorded at full speed and its backlog drained at full speed right after.
   * Accepting is much cheaper than processing; without this they split the one event loop.
   * Under a sustained overload the backlog grows (processing goes on at the reduced pace).
   * Default 50 ms; 0 processes as fast as possible at all times.
   */
  readonly yieldToAcceptMs?: number;
  /** Identifies this worker in partition leases. Defaults to a random id. */
  readonly ownerId?: string;
  readonly newId?: () => string;
  /** Structured logger. Defaults to silent. */
  readonly logger?: Logger;
}

/** The queued command runtime: durable enqueue, partitioned ordered workers, outcomes. */
export interface CommandQueue {
  /**
   * Validates the type, runs the pre-check, and durably records the command. Throws
   * `ValidationError` (unknown type), `IdempotencyMismatchError`, or what the pre-check throws.
   */
  readonly enqueue: (command: Message, options?: EnqueueOptions) => Promise<EnqueueResult>;
  readonly status: (commandId: string) => Promise<CommandRecord | undefined>;
  readonly findByIdempotencyKey: (idempotencyKey: string) => Promise<CommandRecord | undefined>;
  /**
   * Resolves with the record once final, or with the still-accepted record after `timeoutMs`;
   * undefined for an unknown id. Wakes on completion in this process, polls for other processes.
   */
  readonly waitFor: (commandId: string, timeoutMs: number) => Promise<CommandRecord | undefined>;
  /**
   * Resolves `true` once no command of `partitionKey` is waiting to be processed (by any process
   * sharing the log), `false` after `timeoutMs`. Woken by completions, not by polling the log.
   */
  readonly settled: (partitionKey: string, timeoutMs: number) => Promise<boolean>;
  /**
   * Resolves `true` once every command this process accepted before the call has ended (wherever it
   * was processed), `false` after `timeoutMs`: read-your-writes for reads that span many keys.
   */
  readonly drained: (timeoutMs: number) => Promise<boolean>;
  /** Starts the workers: unfinished commands are processed first, in arrival order per key. */
  readonly start: () => Promise<void>;
  /** Stops taking new work, finishes commands in flight, releases partitions. */
  readonly stop: () => Promise<void>;
}

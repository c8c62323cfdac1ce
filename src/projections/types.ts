import type { Message, RecordedEvent } from '../core/envelope.js';
import type { Logger } from '../core/logger.js';
import type { EventStore, Query } from '../core/store.js';
import type { SqlProjectionContext, SqlReader } from './sql.js';

/**
 * Maintains one read model from events. `Ctx` is what the target hands to each call: statements to
 * run (`SqlProjectionContext`, on SQLite and PostgreSQL alike), a memory state, a raw connection…
 * `E` is the union of the events it handles; a projector narrowed to some events names their
 * `types`, and `apply` receives only those, typed.
 *
 * Every step may return a promise, except on SQLite, whose transactions are synchronous (its target
 * refuses a promise with a `ValidationError`); the portable `SqlProjectionContext` is synchronous.
 */
export type Projector<Ctx, E extends Message = Message> = ProjectorDefinition<Ctx, E> & HandledTypes<E>;

/** The members of every projector; `Projector` adds that a narrowed one names its `types`. */
export interface ProjectorDefinition<Ctx, E extends Message = Message> {
  /** Unique name: the key of its checkpoint. */
  readonly name: string;
  /**
   * Version of the read model's shape. When the stored checkpoint was written by another version,
   * `startProjection` resets and replays from 0 (a projection can always be rebuilt). Default 1.
   */
  readonly version?: number;
  /** Event types it handles: only those reach `apply` (the checkpoint still advances past the others). */
  readonly types?: readonly E['type'][];
  /** Further narrows the events that reach `apply` (tags); combined with `types` when both are given. */
  readonly filter?: Query;
  /** Creates what the read model needs (tables…); idempotent, run at every start and rebuild. */
  readonly init?: (ctx: Ctx) => void | Promise<void>;
  /** Applies a batch, in global-position order, inside the same transaction as the checkpoint. */
  readonly apply: (ctx: Ctx, events: readonly RecordedEventOf<E>[]) => void | Promise<void>;
  /** Empties the read model (before a rebuild); runs in the transaction that resets the checkpoint. */
  readonly reset: (ctx: Ctx) => void | Promise<void>;
}

/**
 * The recorded form of each event of the union `E`, as a union itself, so that a `switch` on
 * `event.type` narrows `event.data` too.
 */
export type RecordedEventOf<E extends Message> = E extends Message ? RecordedEvent<E> : never;

/**
 * A projector typed for some events must say which (`types`), since only those may reach `apply`;
 * one over every event (`Message`) may omit them.
 */
export type HandledTypes<E extends Message> = string extends E['type']
  ? unknown
  : { readonly types: readonly E['type'][] };

/** How far a projection got, and with which projector version. */
export interface ProjectionCheckpoint {
  /** Global position of the last event this projection has fully processed (0 = none). */
  readonly position: number;
  readonly version: number;
}

/**
 * Where a read model lives. The one guarantee a target gives: `transact` commits the work on the
 * read model AND the checkpoint in one transaction, or neither — so after a crash the projection
 * resumes exactly after the last batch whose effect is stored (exactly-once effect).
 *
 * Implementations: `createMemoryTarget` (plain object), `createSqliteTarget` (tables in the event
 * store's file), `createPostgresTarget` (tables in the store's schema).
 */
export interface ProjectionTarget<Ctx> {
  /** Creates the checkpoint storage if missing; idempotent. */
  readonly setup: () => Promise<void>;
  /** The stored checkpoint of projection `name`, or undefined when it never ran. */
  readonly readCheckpoint: (name: string) => Promise<ProjectionCheckpoint | undefined>;
  /**
   * Runs `work` in one transaction and, when `checkpoint` is given, stores it for `name` in the same
   * transaction. A throw from `work` rolls everything back and rejects with that error.
   *
   * A checkpoint is a compare-and-set: at position 0 (a reset) the work always runs; at any other
   * position it runs only when it moves the stored checkpoint forward, and the call does nothing
   * when the stored position is already at or beyond it (another node, or an earlier attempt,
   * applied that batch). So one batch is never applied twice, whichever nodes race for it.
   */
  readonly transact: (
    name: string,
    work: (ctx: Ctx) => void | Promise<void>,
    checkpoint?: ProjectionCheckpoint,
  ) => Promise<void>;
}

/** A target in a SQL database: projectors write through `SqlProjectionContext`, queries read through `reader`. */
export interface SqlTarget<Ctx extends SqlProjectionContext = SqlProjectionContext>
  extends ProjectionTarget<Ctx> {
  /** Queries of the read models (committed batches only). */
  readonly reader: SqlReader;
}

/** Options of `startProjection`. */
export interface ProjectionOptions<Ctx, E extends Message = Message> {
  readonly store: EventStore;
  readonly projector: Projector<Ctx, E>;
  readonly target: ProjectionTarget<Ctx>;
  /** Largest batch applied in one transaction. Default 500. */
  readonly batchSize?: number;
  readonly logger?: Logger;
  /**
   * Restart from the checkpoint after a failure, up to `maxAttempts` times in a row, waiting `delayMs`
   * (default 1000) doubled on each attempt. Default: no restart — the first failure stops it.
   */
  readonly restart?: { readonly maxAttempts: number; readonly delayMs?: number };
}

/** Lag of a running projection, in global positions. */
export interface ProjectionLag {
  /** Position processed so far (committed, or skipped because no event matched the filter). */
  readonly checkpoint: number;
  /** Head of the store's log. */
  readonly head: number;
  /** `head - checkpoint` (0 when caught up). */
  readonly behind: number;
}

/** A running asynchronous projection. */
export interface ProjectionHandle {
  readonly name: string;
  /** Position processed so far (see `ProjectionLag.checkpoint`). */
  readonly position: () => number;
  /**
   * Resolves `true` once every event up to `position` is reflected in the read model (read-your-writes:
   * pass the position an append returned), `false` after `timeoutMs` (default 5000). Rejects with the
   * projection's error if it failed.
   */
  readonly waitForPosition: (position: number, timeoutMs?: number) => Promise<boolean>;
  readonly lag: () => Promise<ProjectionLag>;
  /** Stops after the batch in flight; its checkpoint is committed. */
  readonly stop: () => Promise<void>;
  /** Resolves on `stop()`, rejects with the projector's or store's error (the projection has stopped). */
  readonly done: Promise<void>;
}

/** Progress of a rebuild, reported after each committed batch. */
export interface RebuildProgress {
  readonly position: number;
  /** Head of the log when the rebuild started reading. */
  readonly head: number;
}

/** Options of `rebuildProjection`. Stop the live projection of the same name first. */
export interface RebuildOptions<Ctx, E extends Message = Message> {
  readonly store: EventStore;
  readonly projector: Projector<Ctx, E>;
  readonly target: ProjectionTarget<Ctx>;
  readonly batchSize?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly logger?: Logger;
}

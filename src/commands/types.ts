import type { Decision, Rejection } from '../core/decider.js';
import type { EventMetadata, Message, NewEvent, RecordedEvent } from '../core/envelope.js';
import type { JsonValue } from '../core/json.js';
import type { AppendOptions, EventStore, Query } from '../core/store.js';
import type { EnqueueCheckContext } from '../queue/types.js';
import type { StateView } from './views.js';

/**
 * A decider seen through its methods: declared as methods so that a list of definitions of
 * different commands (`createCommandQueue({ commands: [...] })`) type-checks without casts.
 */
export interface DefinitionDecider<C extends Message, E extends Message, S> {
  initialState(): S;
  evolve(state: S, event: E): S;
  decide(command: C, state: S): Decision<E>;
}

/**
 * What the queue's pre-check of a command gets: the engine's facts about the item plus cheap
 * questions about the store. Ask `exists` first; `decide` runs the whole decision.
 */
export interface PreCheckContext extends EnqueueCheckContext {
  readonly store: EventStore;
  /** True when the stream has events and is not deleted: a stream-head probe, no fold. */
  readonly exists: (streamId: string) => Promise<boolean>;
  /** Decides on the current state, appending nothing: the full cost of processing the command. */
  readonly decide: () => Promise<PreparedDecision<unknown>>;
}

/** What every command definition holds, whatever its state is made of. */
export interface CommandDefinitionBase<C extends Message> {
  /** The command type, written once: `handle`, the queue and the HTTP route all take it from here. */
  readonly type: C['type'];
  /** Stream the new events are appended to (and, stream-scoped, the stream the state is read from). */
  streamId(command: C): string;
  /** Entity key ordering the command in the queue. Defaults to `streamId(command)`. */
  partitionKey?(command: C): string;
  /**
   * Runs before the queue records the command; throw `RejectedError` (409) or `NotFoundError`
   * (404) to refuse it at once when its outcome is certain. Earlier accepted commands of the same
   * key may still change the state (see `PreCheckContext.pending`).
   */
  preCheck?(command: C, context: PreCheckContext): Promise<void>;
  /**
   * Names the decision in snapshot keys, so two definitions folding the same stream differently
   * never share a snapshot. Defaults to `'default'`.
   */
  readonly name?: string;
  /**
   * Version of the state shape for snapshots. Bump it when `evolve` or the state changes: older
   * snapshots are then ignored (and overwritten), never folded into a state they do not fit. Default 1.
   */
  readonly snapshotVersion?: number;
  /** Snapshots of a stream-scoped state (DCB states span streams and never snapshot). */
  readonly snapshots?: SnapshotOptions;
}

/**
 * A command decided by a decider:
 * - stream-scoped (no `query`): state is the fold of stream `streamId(command)`; the append expects
 *   the revision that was read, so a concurrent writer makes it fail with `ConcurrencyError`;
 * - Dynamic Consistency Boundary (`query` given): state is the fold of every event matching
 *   `query(command)`, in global order; the append carries the condition
 *   `{ query, after: <position of the last event read> }`, so it fails with `ConditionFailedError`
 *   when a matching event was stored since.
 */
export interface DeciderCommandDefinition<C extends Message, E extends Message, S>
  extends CommandDefinitionBase<C> {
  readonly decider: DefinitionDecider<C, E, S>;
  /** Makes the definition a DCB one: the events that decide this command, across streams. */
  query?(command: C): Query;
  readonly state?: never;
}

/**
 * A DCB command whose state is built from state views (`combine(shipment(id), truckOccupancy(t))`):
 * the query is the views' union, each view folds only the events its own query selects.
 */
export interface ViewCommandDefinition<C extends Message, E extends Message, S>
  extends CommandDefinitionBase<C> {
  /** The views this command is decided on; their query is the decision's consistency boundary. */
  state(command: C): StateView<S, E>;
  decide(command: C, state: S): Decision<E>;
  readonly decider?: never;
  readonly query?: never;
}

/**
 * One definition per command, made with `defineCommand`: accepted by `handle`, by
 * `createCommandQueue({ commands })` and by the HTTP `commandRoute`.
 */
export type CommandDefinition<C extends Message = Message, E extends Message = Message, S = unknown> =
  | DeciderCommandDefinition<C, E, S>
  | ViewCommandDefinition<C, E, S>;

/** Where a command came from; stamped on every event it produces. */
export interface CommandContext {
  /** Id of the command; also the default `correlationId` and `causationId`. */
  readonly commandId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Who asked for it (user id, service name). */
  readonly actor?: string;
  /**
   * Further metadata copied onto every event (the queued path passes the command's recorded
   * metadata); the keys above win over it.
   */
  readonly metadata?: EventMetadata;
}

/** A stored snapshot of a stream-scoped decider state. */
export interface Snapshot {
  /** The folded state, as JSON. */
  readonly state: JsonValue;
  /** Revision of the last event folded into `state`. */
  readonly revision: number;
  /** `snapshotVersion` of the definition that wrote it. */
  readonly version: number;
}

/**
 * Snapshot storage port. Keys are opaque strings built by the runtime (`<definition name>/<stream id>`).
 * Implementations: `createMemorySnapshotStore()`, `createSqliteSnapshotStore(store)`.
 */
export interface SnapshotStore {
  readonly load: (key: string) => Promise<Snapshot | undefined>;
  /** Replaces the snapshot for `key` (last write wins; a snapshot is only ever a cache). */
  readonly save: (key: string, snapshot: Snapshot) => Promise<void>;
}

/** Turns snapshots on for a stream-scoped definition. DCB definitions ignore it (their state spans streams). */
export interface SnapshotOptions {
  readonly store: SnapshotStore;
  /** Save a snapshot once at least this many events were folded since the last one. Default 100. */
  readonly every?: number;
  /**
   * Called when saving a snapshot fails (e.g. the state is not JSON). The command still succeeds:
   * its events are stored and a snapshot is only a cache. Defaults to ignoring the error.
   */
  readonly onError?: (error: unknown) => void;
}

/** Options of `prepareDecision` (and `handle`). */
export interface DecideOptions extends CommandContext {
  /**
   * Give events ids derived from the command id (`${commandId}/${index}`) when the decider left the
   * id out, so processing the same command twice is an idempotent append. Requires `commandId`.
   * It protects against a repeat that decides the same events; a decider that refuses the repeat
   * (e.g. "already delivered") still refuses, so dedupe commands by id upstream (the queued path does).
   */
  readonly deterministicIds?: boolean;
  readonly snapshots?: SnapshotOptions;
}

/** What was read to decide: needed to append safely and to snapshot afterwards. */
export interface LoadedState<S> {
  readonly state: S;
  /** Stream-scoped: revision of the stream's last event (-1 when it has none). DCB: -1. */
  readonly revision: number;
  /** Global position of the last event folded (0 when none). */
  readonly position: number;
  /** Revision of the snapshot the state started from, or undefined when it was folded from scratch. */
  readonly snapshotRevision?: number;
}

/** A decision ready to append: the caller (direct or queued path) performs the append. */
export interface PreparedEvents<S> {
  readonly ok: true;
  readonly streamId: string;
  /** Events with ids (when deterministic) and metadata filled in; may be empty. */
  readonly events: readonly NewEvent[];
  /** `expectedRevision` (stream-scoped) or `condition` (DCB) guarding the append. */
  readonly appendOptions: AppendOptions;
  /** State the decision was made on. */
  readonly previousState: S;
  /** State after folding the new events. */
  readonly state: S;
  readonly loaded: LoadedState<S>;
}

/** The decider refused the command. */
export interface PreparedRejection<S> {
  readonly ok: false;
  readonly rejection: Rejection;
  readonly state: S;
}

export type PreparedDecision<S> = PreparedEvents<S> | PreparedRejection<S>;

/** Options of `handle`. */
export interface HandleOptions extends DecideOptions {
  /**
   * Decide-and-append attempts after the first one on `ConcurrencyError` / `ConditionFailedError`
   * (the queue's option of the same name). Default 3.
   */
  readonly conflictRetries?: number;
}

/** What `handle` returns when the command was accepted. A rejection throws `RejectedError`. */
export interface HandleResult<S> {
  /** The stored events (empty when the decider decided nothing). */
  readonly events: readonly RecordedEvent[];
  /** Global position of the last stored event, or of the last event read when none was stored. */
  readonly position: number;
  /** Revision of the target stream's last event: pass it as the next `expectedRevision`. */
  readonly nextExpectedRevision: number;
  /** State after the new events. */
  readonly state: S;
  /** True when every event id was already stored (a repeated command with deterministic ids). */
  readonly duplicate: boolean;
  /** How many decide+append attempts it took (1 when there was no conflict). */
  readonly attempts: number;
}

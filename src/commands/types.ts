import type { Decider, Rejection } from '../core/decider.js';
import type { Message, NewEvent, RecordedEvent } from '../core/envelope.js';
import type { JsonValue } from '../core/json.js';
import type { AppendOptions, Query } from '../core/store.js';

/**
 * How to run a decider against the store.
 *
 * - Stream-scoped (no `query`): state is the fold of stream `streamId(command)`; the append expects
 *   the revision that was read, so a concurrent writer makes it fail with `ConcurrencyError`.
 * - Dynamic Consistency Boundary (`query` given): state is the fold of every event matching
 *   `query(command)`, in global order; the append goes to `streamId(command)` with the condition
 *   `{ query, after: <position of the last event read> }`, so it fails with `ConditionFailedError`
 *   when a matching event was stored since.
 */
export interface CommandSpec<C extends Message, E extends Message, S> {
  readonly decider: Decider<C, E, S>;
  /** Stream the new events are appended to (and, without `query`, the stream the state is read from). */
  readonly streamId: (command: C) => string;
  /** Makes the spec a DCB spec: the events that decide this command, across streams. */
  readonly query?: (command: C) => Query;
  /**
   * Names the decider in snapshot keys, so two specs folding the same stream differently never share
   * a snapshot. Defaults to `'default'`.
   */
  readonly name?: string;
  /**
   * Version of the state shape for snapshots. Bump it when `evolve` or the state changes: older
   * snapshots are then ignored (and overwritten), never folded into a state they do not fit. Default 1.
   */
  readonly snapshotVersion?: number;
}

/** Where a command came from; stamped on every event it produces. */
export interface CommandContext {
  /** Id of the command; also the default `correlationId` and `causationId`. */
  readonly commandId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** Who asked for it (user id, service name). */
  readonly actor?: string;
}

/** A stored snapshot of a stream-scoped decider state. */
export interface Snapshot {
  /** The folded state, as JSON. */
  readonly state: JsonValue;
  /** Revision of the last event folded into `state`. */
  readonly revision: number;
  /** `snapshotVersion` of the spec that wrote it. */
  readonly version: number;
}

/**
 * Snapshot storage port. Keys are opaque strings built by the runtime (`<spec name>/<stream id>`).
 * Implementations: `createMemorySnapshotStore()`, `createSqliteSnapshotStore(store)`.
 */
export interface SnapshotStore {
  readonly load: (key: string) => Promise<Snapshot | undefined>;
  /** Replaces the snapshot for `key` (last write wins; a snapshot is only ever a cache). */
  readonly save: (key: string, snapshot: Snapshot) => Promise<void>;
}

/** Turns snapshots on for a stream-scoped spec. DCB specs ignore it (their state spans streams). */
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
  /** Attempts after the first one on `ConcurrencyError` / `ConditionFailedError`. Default 3. */
  readonly retries?: number;
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

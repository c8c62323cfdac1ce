import type { Message } from '../core/envelope.js';
import type { JsonValue } from '../core/json.js';
import type { AppendResult } from '../core/store.js';
import { assertJson } from '../shared/validate.js';
import type { CommandSpec, LoadedState, Snapshot, SnapshotOptions, SnapshotStore } from './types.js';

/** Default number of events folded between two snapshots. */
export const DEFAULT_SNAPSHOT_EVERY = 100;

/** Key of a spec's snapshot of one stream: `<spec name>/<stream id>`. */
export const snapshotKey = <C extends Message, E extends Message, S>(
  spec: CommandSpec<C, E, S>,
  streamId: string,
): string => `${spec.name ?? 'default'}/${streamId}`;

const versionOf = (spec: { readonly snapshotVersion?: number }): number => spec.snapshotVersion ?? 1;

/** The stored snapshot if it was written by this spec's `snapshotVersion`, else undefined. */
export const usableSnapshot = async <C extends Message, E extends Message, S>(
  store: SnapshotStore,
  spec: CommandSpec<C, E, S>,
  streamId: string,
): Promise<Snapshot | undefined> => {
  const snapshot = await store.load(snapshotKey(spec, streamId));
  return snapshot && snapshot.version === versionOf(spec) ? snapshot : undefined;
};

/**
 * True when appending `newEvents` events after `loaded` reaches `every` events folded since the
 * snapshot the state started from. DCB specs never snapshot (their state spans streams).
 */
export const snapshotDue = (
  spec: { readonly query?: unknown },
  snapshots: SnapshotOptions | undefined,
  loaded: Pick<LoadedState<unknown>, 'revision' | 'snapshotRevision'>,
  newEvents: number,
): boolean => {
  if (!snapshots || spec.query || newEvents === 0) return false;
  const every = snapshots.every ?? DEFAULT_SNAPSHOT_EVERY;
  return loaded.revision + newEvents - (loaded.snapshotRevision ?? -1) >= every;
};

/**
 * After a successful stream-scoped append, saves the new state when a snapshot is due. The state is
 * the fold up to `result.nextExpectedRevision` because the append expected exactly the revision read.
 * A repeated (duplicate) append stored nothing and never snapshots. A failing save does not fail the
 * command — its events are stored and a snapshot is only a cache — it is reported to `onError`.
 * Returns true when it saved.
 */
export const saveSnapshotIfDue = async <C extends Message, E extends Message, S>(
  spec: CommandSpec<C, E, S>,
  snapshots: SnapshotOptions | undefined,
  decision: { readonly streamId: string; readonly state: S; readonly loaded: LoadedState<S> },
  result: Pick<AppendResult, 'nextExpectedRevision' | 'duplicate' | 'events'>,
): Promise<boolean> => {
  if (!snapshots || result.duplicate || !snapshotDue(spec, snapshots, decision.loaded, result.events.length))
    return false;
  try {
    // Snapshots are JSON so every snapshot store (memory, SQLite, PostgreSQL) gives the same state back.
    assertJson(decision.state, 'snapshot state');
    await snapshots.store.save(snapshotKey(spec, decision.streamId), {
      state: decision.state as JsonValue,
      revision: result.nextExpectedRevision,
      version: versionOf(spec),
    });
    return true;
  } catch (error) {
    snapshots.onError?.(error);
    return false;
  }
};

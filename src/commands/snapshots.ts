import type { Message } from '../core/envelope.js';
import type { JsonValue } from '../core/json.js';
import type { AppendResult } from '../core/store.js';
import { assertJson } from '../shared/validate.js';
import { isDcb } from './define.js';
import type { CommandDefinition, LoadedState, Snapshot, SnapshotOptions, SnapshotStore } from './types.js';

/** Default number of events folded between two snapshots. */
export const DEFAULT_SNAPSHOT_EVERY = 100;

/** Key of a definition's snapshot of one stream: `<definition name>/<stream id>`. */
export const snapshotKey = (definition: { readonly name?: string }, streamId: string): string =>
  `${definition.name ?? 'default'}/${streamId}`;

const versionOf = (definition: { readonly snapshotVersion?: number }): number =>
  definition.snapshotVersion ?? 1;

/** The stored snapshot if it was written by this definition's `snapshotVersion`, else undefined. */
export const usableSnapshot = async (
  store: SnapshotStore,
  definition: { readonly name?: string; readonly snapshotVersion?: number },
  streamId: string,
): Promise<Snapshot | undefined> => {
  const snapshot = await store.load(snapshotKey(definition, streamId));
  return snapshot && snapshot.version === versionOf(definition) ? snapshot : undefined;
};

/**
 * True when appending `newEvents` events after `loaded` reaches `every` events folded since the
 * snapshot the state started from. DCB definitions never snapshot (their state spans streams).
 */
export const snapshotDue = (
  definition: CommandDefinition,
  snapshots: SnapshotOptions | undefined,
  loaded: Pick<LoadedState<unknown>, 'revision' | 'snapshotRevision'>,
  newEvents: number,
): boolean => {
  if (!snapshots || isDcb(definition) || newEvents === 0) return false;
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
  definition: CommandDefinition<C, E, S>,
  snapshots: SnapshotOptions | undefined,
  decision: { readonly streamId: string; readonly state: S; readonly loaded: LoadedState<S> },
  result: Pick<AppendResult, 'nextExpectedRevision' | 'duplicate' | 'events'>,
): Promise<boolean> => {
  if (
    !snapshots ||
    result.duplicate ||
    !snapshotDue(definition, snapshots, decision.loaded, result.events.length)
  )
    return false;
  try {
    // Snapshots are JSON so every snapshot store (memory, SQLite, PostgreSQL) gives the same state back.
    assertJson(decision.state, 'snapshot state');
    await snapshots.store.save(snapshotKey(definition, decision.streamId), {
      state: decision.state as JsonValue,
      revision: result.nextExpectedRevision,
      version: versionOf(definition),
    });
    return true;
  } catch (error) {
    snapshots.onError?.(error);
    return false;
  }
};

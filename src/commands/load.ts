import { type Decider, fold } from '../core/decider.js';
import type { Message, RecordedEvent } from '../core/envelope.js';
import type { AppendOptions, EventStore, Query } from '../core/store.js';
import { resolveCommand } from './define.js';
import { usableSnapshot } from './snapshots.js';
import type { CommandDefinition, LoadedState, SnapshotOptions } from './types.js';

/** State folded for a command, plus the guard its append must carry. */
export interface Loaded<S> {
  readonly loaded: LoadedState<S>;
  readonly appendOptions: AppendOptions;
}

/**
 * Stream-scoped load: snapshot (when usable) + newer events, else the whole stream. The append
 * then expects exactly the revision read, which is what makes a concurrent writer conflict.
 */
const loadStream = async <C extends Message, E extends Message, S>(
  store: EventStore,
  definition: CommandDefinition<C, E, S>,
  decider: Decider<C, E, S>,
  streamId: string,
  snapshots: SnapshotOptions | undefined,
): Promise<Loaded<S>> => {
  const snapshot = snapshots ? await usableSnapshot(snapshots.store, definition, streamId) : undefined;
  if (snapshot) {
    // Read from the snapshot's own revision: if that event is still visible, the snapshot describes
    // this stream as readers see it. If it is not (stream deleted or truncated since), fold from
    // scratch so the state is exactly what it would be without snapshots.
    const events = await store.readStream(streamId, { fromRevision: snapshot.revision });
    const first = events[0];
    if (first !== undefined && first.revision === snapshot.revision) {
      const newer = events.slice(1);
      const last = events[events.length - 1] ?? first;
      const state = fold(decider, newer as unknown as E[], snapshot.state as S);
      return {
        loaded: {
          state,
          revision: last.revision,
          position: last.position,
          snapshotRevision: snapshot.revision,
        },
        appendOptions: { expectedRevision: last.revision },
      };
    }
  }
  const { events, revision } = await readWholeStream(store, streamId);
  const last = events[events.length - 1];
  const state = fold(decider, events as unknown as E[]);
  return {
    loaded: { state, revision, position: last?.position ?? 0 },
    appendOptions: { expectedRevision: revision === -1 ? 'no-stream' : revision },
  };
};

/**
 * Reads a stream and the revision its append must expect. An empty read is either a new stream or
 * one whose events are all hidden (truncated): then the stream's real revision is needed, or every
 * append to a truncated stream would conflict forever. That revision is only sound if it was taken
 * BEFORE a read that still came back empty — otherwise an append landing between the read and the
 * revision would be expected without being folded — hence the second read.
 */
const readWholeStream = async (
  store: EventStore,
  streamId: string,
): Promise<{ readonly events: readonly RecordedEvent[]; readonly revision: number }> => {
  const events = await store.readStream(streamId);
  const last = events[events.length - 1];
  if (last) return { events, revision: last.revision };
  const { revision } = await store.streamState(streamId);
  if (revision === -1) return { events, revision };
  const again = await store.readStream(streamId);
  const newest = again[again.length - 1];
  return { events: again, revision: newest ? newest.revision : revision };
};

/**
 * DCB load: every event matching the query, in global order. The condition's `after` is the
 * position of the last matching event read — any matching event stored later is one this decision
 * did not see, so the append must fail and the command be decided again.
 */
const loadQuery = async <C extends Message, E extends Message, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  query: Query,
): Promise<Loaded<S>> => {
  const events = await store.readByQuery(query);
  const last = events[events.length - 1];
  const position = last?.position ?? 0;
  return {
    loaded: { state: fold(decider, events as unknown as E[]), revision: -1, position },
    appendOptions: { condition: { query, after: position } },
  };
};

/** Loads the state a command is decided on, and the append guard matching that read. */
export const loadState = async <C extends Message, E extends Message, S>(
  store: EventStore,
  definition: CommandDefinition<C, E, S>,
  command: C,
  snapshots?: SnapshotOptions,
): Promise<Loaded<S>> => {
  const { decider, query } = resolveCommand(definition, command);
  if (query) return loadQuery(store, decider, query);
  return loadStream(store, definition, decider, definition.streamId(command), snapshots);
};

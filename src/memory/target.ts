import type { ProjectionCheckpoint, ProjectionTarget } from '../projections/types.js';

/** What a projector on a memory target receives: the read model, to mutate or replace. */
export interface MemoryProjectionContext<S> {
  state: S;
}

/** A read model held in process memory, with its checkpoints. */
export interface MemoryTarget<S> extends ProjectionTarget<MemoryProjectionContext<S>> {
  /** The committed read model (a copy is not made: treat it as read-only). */
  readonly read: () => S;
}

/**
 * A projection target in process memory (tests, examples, small tools). One target holds one read
 * model. Transactions are real: the work runs on a structured clone, which replaces the committed
 * state together with the checkpoint only when the work succeeds — so a projector throwing
 * mid-batch leaves neither half a batch nor a moved checkpoint, exactly like a database target;
 * and its checkpoint is the same compare-and-set (a batch at or below it is skipped).
 * The state must be structured-cloneable.
 */
export const createMemoryTarget = <S>(initial: () => S): MemoryTarget<S> => {
  let state = initial();
  const checkpoints = new Map<string, ProjectionCheckpoint>();
  // Transactions run one at a time, as a database would serialize them on one read model.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    read: () => state,
    setup: async () => undefined,
    readCheckpoint: async (name) => checkpoints.get(name),
    transact: (name, work, checkpoint) => {
      const next = queue.then(async () => {
        const stored = checkpoints.get(name)?.position ?? 0;
        // Compare-and-set: a batch at or below the stored checkpoint was applied already.
        if (checkpoint && checkpoint.position > 0 && stored >= checkpoint.position) return;
        const draft: MemoryProjectionContext<S> = { state: structuredClone(state) };
        await work(draft);
        state = draft.state;
        if (checkpoint) checkpoints.set(name, checkpoint);
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
};

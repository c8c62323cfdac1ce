import type { CommandLog, EventStore, ProjectionHandle } from 'eventfold';

/** Longest a read waits to reflect earlier writes before answering with what it has. */
export const DEFAULT_READ_WAIT_MS = 2_000;
const POLL_MS = 5;

/** Read-your-writes for the query routes. Every wait is bounded: a read never hangs. */
export interface Freshness {
  /** Waits until the projection reflects every event committed before the call. */
  readonly caughtUp: (projection: ProjectionHandle) => Promise<void>;
  /** Waits until no command of this partition key is still queued (accepted, not processed). */
  readonly settled: (partitionKey: string) => Promise<void>;
  /** Waits until no command at all is still queued (for list reads). */
  readonly allSettled: () => Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A client that got `202` for a command and reads right after expects to see it. Reads therefore
 * wait (bounded) for the queued commands they depend on, then for the projection to reach the log's
 * head at that moment (`waitForPosition`), so a read never shows less than what was acknowledged
 * as processed before it started.
 */
export const createFreshness = (options: {
  readonly store: EventStore;
  readonly commandLog: CommandLog;
  readonly waitMs?: number;
}): Freshness => {
  const { store, commandLog } = options;
  const waitMs = options.waitMs ?? DEFAULT_READ_WAIT_MS;
  const allPartitions = Array.from({ length: commandLog.partitionCount }, (_, index) => index);
  const until = async (done: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + waitMs;
    while (!(await done()) && Date.now() < deadline) await sleep(POLL_MS);
  };
  return {
    caughtUp: async (projection) => {
      await projection.waitForPosition(await store.headPosition(), waitMs);
    },
    settled: (partitionKey) => until(async () => (await commandLog.countPending(partitionKey)) === 0),
    allSettled: () =>
      until(
        async () =>
          (await commandLog.next({ partitions: allPartitions, excludeKeys: new Set(), limit: 1 })).length ===
          0,
      ),
  };
};

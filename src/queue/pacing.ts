/** An enqueue this recent means the accept path is busy (see `yieldToAcceptMs`). */
const ACCEPT_QUIET_MS = 20;

/**
 * Load levelling between the accept path and the workers sharing one event loop: while items keep
 * being accepted here and a backlog builds up, batches of work start at most every
 * `yieldToAcceptMs`; once accepting goes quiet the backlog is drained at full speed.
 */
export interface Pacing {
  /** Called when an item was accepted in this process. */
  readonly accepted: () => void;
  /** Called when the workers start reading a batch. */
  readonly batchStarting: () => void;
  /** Called with the batch read: `true` when more items were ready than free workers. */
  readonly backlog: (building: boolean) => void;
  /** How long the next batch should wait for the accept path; 0 to start it now. */
  readonly delay: () => number;
  /** Waits `ms`, or less when `interrupt` is called (stop). */
  readonly pause: (ms: number) => Promise<void>;
  readonly interrupt: () => void;
}

export const createPacing = (yieldToAcceptMs: number): Pacing => {
  let lastAcceptAt = Number.NEGATIVE_INFINITY;
  let lastBatchAt = Number.NEGATIVE_INFINITY;
  let backlog = false;
  let endPause: (() => void) | undefined;
  return {
    accepted: () => {
      lastAcceptAt = performance.now();
    },
    batchStarting: () => {
      lastBatchAt = performance.now();
    },
    backlog: (building) => {
      backlog = building;
    },
    delay: () => {
      const now = performance.now();
      if (yieldToAcceptMs <= 0 || !backlog || now - lastAcceptAt >= ACCEPT_QUIET_MS) return 0;
      // Checked again when the accept path may have gone quiet: the backlog is drained at once then.
      const quietAt = lastAcceptAt + ACCEPT_QUIET_MS;
      return Math.max(0, Math.min(lastBatchAt + yieldToAcceptMs, quietAt) - now);
    },
    pause: (ms) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          endPause = undefined;
          resolve();
        }, ms);
        endPause = () => {
          clearTimeout(timer);
          endPause = undefined;
          resolve();
        };
      }),
    interrupt: () => endPause?.(),
  };
};

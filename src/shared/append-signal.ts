/**
 * Wakes waiting readers when an append commits. A version counter closes the race where an
 * append lands between a reader's empty read and its wait: the reader passes the version it
 * saw before reading and returns at once if it has moved.
 */
export interface AppendSignal {
  readonly version: () => number;
  readonly notify: () => void;
  /** Resolves on the next notify after `seenVersion`, or after `timeoutMs`, or when aborted. */
  readonly wait: (seenVersion: number, timeoutMs: number, signal?: AbortSignal) => Promise<void>;
}

export const createAppendSignal = (): AppendSignal => {
  let version = 0;
  let waiters: Array<() => void> = [];
  return {
    version: () => version,
    notify: () => {
      version += 1;
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
    wait: (seenVersion, timeoutMs, signal) => {
      if (version !== seenVersion || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== done);
          done();
        }, timeoutMs);
        signal?.addEventListener('abort', done, { once: true });
        waiters.push(done);
      });
    },
  };
};

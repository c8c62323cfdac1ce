import { isFinal } from './records.js';
import type { CommandLog, CommandRecord } from './types.js';

/** Callers waiting for commands to finish. */
export interface Waiters {
  /** Resolves with the final record, or the current one after `timeoutMs`; undefined when unknown. */
  readonly wait: (commandId: string, timeoutMs: number) => Promise<CommandRecord | undefined>;
  /** Wakes the callers waiting for this command (called after its outcome committed). */
  readonly settle: (record: CommandRecord) => void;
  /** Re-reads every waited command now (another process may have finished some). */
  readonly recheck: () => void;
}

/**
 * Completions made in this process wake waiters directly. A slow poll covers commands finished by
 * another process sharing the log (PostgreSQL nodes), which this process cannot observe.
 */
export const createWaiters = (options: {
  readonly log: Pick<CommandLog, 'get'>;
  readonly pollIntervalMs: number;
}): Waiters => {
  const { log } = options;
  const waiting = new Map<string, Set<(record: CommandRecord) => void>>();
  /** One re-read per waiting caller: it settles its caller when the command is final. */
  const checks = new Set<() => void>();

  const wait = async (commandId: string, timeoutMs: number): Promise<CommandRecord | undefined> => {
    // Listening before the read: a completion landing while it is in progress still wakes us,
    // so one read is enough (no second read to close that window).
    // Another process's completion is only announced (recheck): then one more read is needed.
    let settled: CommandRecord | undefined;
    let foreignChange = false;
    const early = (record: CommandRecord): void => {
      settled = record;
    };
    const earlyCheck = (): void => {
      foreignChange = true;
    };
    const earlyListeners = waiting.get(commandId) ?? new Set();
    waiting.set(commandId, earlyListeners);
    earlyListeners.add(early);
    checks.add(earlyCheck);
    let first: CommandRecord | undefined;
    try {
      first = await log.get(commandId);
      while (foreignChange && !settled && first && !isFinal(first.status)) {
        foreignChange = false;
        first = await log.get(commandId);
      }
    } finally {
      checks.delete(earlyCheck);
      earlyListeners.delete(early);
      if (earlyListeners.size === 0 && waiting.get(commandId) === earlyListeners) waiting.delete(commandId);
    }
    if (settled) return settled;
    if (!first || isFinal(first.status) || timeoutMs <= 0) return first;
    const initial = first;
    return new Promise<CommandRecord>((resolve) => {
      let done = false;
      const listeners = waiting.get(commandId) ?? new Set();
      waiting.set(commandId, listeners);
      const finishWith = (record: CommandRecord): void => {
        if (done) return;
        done = true;
        clearTimeout(timeout);
        clearInterval(poll);
        checks.delete(recheck);
        listeners.delete(finishWith);
        if (listeners.size === 0 && waiting.get(commandId) === listeners) waiting.delete(commandId);
        resolve(record);
      };
      const check = async (final: boolean): Promise<void> => {
        const record = await log.get(commandId).catch(() => undefined);
        if (record && (final || isFinal(record.status))) finishWith(record);
        else if (final) finishWith(initial);
      };
      const recheck = (): void => void check(false);
      checks.add(recheck);
      listeners.add(finishWith);
      const timeout = setTimeout(() => void check(true), timeoutMs);
      const poll = setInterval(() => void check(false), options.pollIntervalMs);
    });
  };

  return {
    wait,
    settle: (record) => {
      const listeners = waiting.get(record.commandId);
      if (!listeners) return;
      for (const listener of [...listeners]) listener(record);
    },
    recheck: () => {
      for (const recheck of [...checks]) recheck();
    },
  };
};

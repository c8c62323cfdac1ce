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
  /**
   * `changed` resolves on the next sign that a command of `partitionKey` may have ended: one of its commands
   * ending here, another process announcing a change, the poll interval, or `timeoutMs`. Listening
   * starts at the call, so a caller that listens first and then reads misses no completion.
   */
  readonly nextChange: (partitionKey: string, timeoutMs: number) => KeyChange;
}

/** A pending `nextChange`: `changed` resolves on the change; `cancel` stops listening (and resolves it). */
export interface KeyChange {
  readonly changed: Promise<void>;
  readonly cancel: () => void;
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
  /** Callers of `nextChange`, by partition key. */
  const keyListeners = new Map<string, Set<() => void>>();

  const nextChange = (partitionKey: string, timeoutMs: number): KeyChange => {
    let cancel = (): void => undefined;
    const changed = new Promise<void>((resolve) => {
      const listeners = keyListeners.get(partitionKey) ?? new Set();
      keyListeners.set(partitionKey, listeners);
      const done = (): void => {
        clearTimeout(timer);
        checks.delete(done);
        listeners.delete(done);
        if (listeners.size === 0 && keyListeners.get(partitionKey) === listeners)
          keyListeners.delete(partitionKey);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(timeoutMs, options.pollIntervalMs)));
      listeners.add(done);
      checks.add(done);
      cancel = done;
    });
    return { changed, cancel };
  };

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
      for (const listener of [...(keyListeners.get(record.partitionKey) ?? [])]) listener();
      const listeners = waiting.get(record.commandId);
      if (!listeners) return;
      for (const listener of [...listeners]) listener(record);
    },
    recheck: () => {
      for (const recheck of [...checks]) recheck();
    },
    nextChange,
  };
};

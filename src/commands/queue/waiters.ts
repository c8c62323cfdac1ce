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
    const first = await log.get(commandId);
    if (!first || isFinal(first.status) || timeoutMs <= 0) return first;
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
        else if (final) finishWith(first);
      };
      const recheck = (): void => void check(false);
      checks.add(recheck);
      listeners.add(finishWith);
      const timeout = setTimeout(() => void check(true), timeoutMs);
      const poll = setInterval(() => void check(false), options.pollIntervalMs);
      // The command may have finished between the first read and registering the listener.
      recheck();
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

import { NotFoundError } from '../core/errors.js';
import type { EventStore } from '../core/store.js';
import {
  acceptedRecord,
  appendOf,
  commandFingerprint,
  DEFAULT_PARTITION_COUNT,
  finalFields,
  isFinal,
  partitionOf,
  resolveRepeat,
  validateEnqueueInput,
} from '../queue/records.js';
import type { CommandLog, CommandRecord, CompleteResult } from '../queue/types.js';

/** Options of `createMemoryCommandLog`. */
export interface MemoryCommandLogOptions {
  /** The store `complete` appends to. */
  readonly store: EventStore;
  readonly partitionCount?: number;
  readonly clock?: () => Date;
}

/**
 * A command log in process memory, for tests and examples. Same contract as the durable ones,
 * except durability: "committed" means "in this process". `complete` appends then records the
 * outcome; a per-command lock keeps two completions from both appending.
 */
export const createMemoryCommandLog = (options: MemoryCommandLogOptions): CommandLog => {
  const partitionCount = options.partitionCount ?? DEFAULT_PARTITION_COUNT;
  const clock = options.clock ?? (() => new Date());
  const byId = new Map<string, CommandRecord>();
  const byKey = new Map<string, string>();
  /** Accepted command ids per partition key, in arrival order. */
  const pendingByKey = new Map<string, string[]>();
  const completing = new Set<string>();
  let seq = 0;

  const replace = (record: CommandRecord): CommandRecord => {
    byId.set(record.commandId, record);
    return record;
  };
  const dropPending = (record: CommandRecord): void => {
    const pending = (pendingByKey.get(record.partitionKey) ?? []).filter((id) => id !== record.commandId);
    if (pending.length === 0) pendingByKey.delete(record.partitionKey);
    else pendingByKey.set(record.partitionKey, pending);
  };
  const allPartitions = Array.from({ length: partitionCount }, (_, index) => index);

  return {
    partitionCount,
    enqueue: async (input) => {
      validateEnqueueInput(input);
      const fingerprint = input.fingerprint ?? commandFingerprint(input.command);
      const repeat = resolveRepeat(input, fingerprint, {
        byId: (commandId) => byId.get(commandId),
        byKey: (key) => byId.get(byKey.get(key) ?? ''),
      });
      if (repeat) return repeat;
      seq += 1;
      const record = replace(
        acceptedRecord(input, {
          seq,
          partition: partitionOf(input.partitionKey, partitionCount),
          fingerprint,
          data: structuredClone(input.command.data),
          metadata: { ...input.metadata },
          acceptedAt: clock().toISOString(),
        }),
      );
      if (input.idempotencyKey !== undefined) byKey.set(input.idempotencyKey, record.commandId);
      pendingByKey.set(record.partitionKey, [
        ...(pendingByKey.get(record.partitionKey) ?? []),
        record.commandId,
      ]);
      return { record, duplicate: false };
    },
    get: async (commandId) => byId.get(commandId),
    findByIdempotencyKey: async (key) => byId.get(byKey.get(key) ?? ''),
    countPending: async (partitionKey, beforeSeq) =>
      (pendingByKey.get(partitionKey) ?? []).filter(
        (id) => beforeSeq === undefined || (byId.get(id)?.seq ?? 0) < beforeSeq,
      ).length,
    acquire: async (ownerId) => ({
      ownerId,
      partitions: () => allPartitions,
      release: async () => undefined,
    }),
    next: async ({ partitions, excludeKeys, limit }) => {
      const owned = new Set(partitions);
      const heads: CommandRecord[] = [];
      for (const [key, ids] of pendingByKey) {
        const head = byId.get(ids[0] ?? '');
        if (head && !excludeKeys.has(key) && owned.has(head.partition)) heads.push(head);
      }
      return heads.sort((a, b) => a.seq - b.seq).slice(0, limit);
    },
    complete: async (commandId, outcome): Promise<CompleteResult> => {
      const current = byId.get(commandId);
      if (!current) throw new NotFoundError('command', `command ${commandId} is not in the log`);
      if (isFinal(current.status) || completing.has(commandId)) return { applied: false, record: current };
      completing.add(commandId);
      try {
        const events = appendOf(outcome);
        const append = events
          ? await options.store.append(events.streamId, events.events, events.options)
          : undefined;
        const record = replace({
          ...current,
          status: outcome.status,
          ...finalFields(outcome, append),
          processedAt: clock().toISOString(),
        });
        dropPending(record);
        return append ? { applied: true, record, append } : { applied: true, record };
      } finally {
        completing.delete(commandId);
      }
    },
    recordAttempt: async (commandId, error) => {
      const current = byId.get(commandId);
      if (!current || isFinal(current.status)) return current;
      return replace({ ...current, attempts: current.attempts + 1, error });
    },
  };
};

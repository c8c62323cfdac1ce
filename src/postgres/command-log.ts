import { randomUUID } from 'node:crypto';
import { InternalError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  type CommandRow,
  commandFingerprint,
  DEFAULT_PARTITION_COUNT,
  decodeCommandRow,
  partitionOf,
  resolveRepeat,
  validateEnqueueInput,
} from '../queue/records.js';
import type {
  CommandLog,
  CommandRecord,
  EnqueueInput,
  EnqueueResult,
  PartitionLease,
} from '../queue/types.js';
import { createGroupCompleter } from './command-log-complete.js';
import { acquirePartitionLease } from './partition-lease.js';
import { schemaNames } from './sql.js';
import { createNotificationListener, type NotificationListener } from './store/subscribe.js';
import type { PostgresEventStore } from './store/types.js';

/** How long other nodes' notifications are gathered before listeners are woken once. */
const FOREIGN_WAKE_COALESCE_MS = 2;

/** Options of `createPostgresCommandLog`. */
export interface PostgresCommandLogOptions {
  /** The store whose database holds the log; outcomes commit in its transactions, with the events. */
  readonly store: PostgresEventStore;
  /** Fixed for the lifetime of the data: every node must use the same. Defaults to 64. */
  readonly partitionCount?: number;
  readonly clock?: () => Date;
  /** How often partition ownership is rebalanced between live nodes. Defaults to 1000 ms. */
  readonly rebalanceMs?: number;
  readonly logger?: Logger;
}

const decode = decodeCommandRow;

/** The PostgreSQL command log: the port plus `close`, which gives up its leases and LISTEN connection. */
export interface PostgresCommandLog extends CommandLog {
  /** Releases every partition lease taken through this log and stops its notifications. */
  readonly close: () => Promise<void>;
}

/**
 * The durable command log on PostgreSQL, in the store's schema (table `commands`, migration v2), for
 * many nodes at once:
 * - `enqueue` is one autocommitted statement; `on conflict do nothing` waits for a racing insert of
 *   the same id or key to commit, so racing repeats agree on one record.
 * - `complete` locks the command row, appends and records the outcome in ONE store transaction
 *   (completions arriving together share it: group commit, see command-log-complete.ts); the
 *   `status = 'accepted'` check under the row lock makes a second completion (another node, a retry
 *   after a crash) write nothing.
 * - `acquire` leases partitions with advisory locks (see partition-lease.ts): one live owner per
 *   partition, takeover within `rebalanceMs` when a node dies.
 * - `onForeignChange` follows a LISTEN channel that enqueue and complete NOTIFY at commit.
 */
export const createPostgresCommandLog = (options: PostgresCommandLogOptions): PostgresCommandLog => {
  const { store } = options;
  const names = schemaNames(store.schema);
  const partitionCount = options.partitionCount ?? DEFAULT_PARTITION_COUNT;
  const clock = options.clock ?? (() => new Date());
  const pool = store.pool;
  // Tags this log's NOTIFY payloads: its own changes need no notification (the port's contract),
  // and skipping them spares every own enqueue and completion a wake-up of all workers and waiters.
  const logId = randomUUID();

  const query = async (sql: string, params: unknown[]): Promise<CommandRow[]> => {
    await store.ready();
    return (await pool.query<CommandRow>(sql, params)).rows;
  };
  const read = async (commandId: string): Promise<CommandRecord | undefined> => {
    const [row] = await query(`select * from ${names.commands} where command_id = $1`, [commandId]);
    return row ? decode(row) : undefined;
  };
  const readByKey = async (key: string): Promise<CommandRecord | undefined> => {
    const [row] = await query(`select * from ${names.commands} where idempotency_key = $1`, [key]);
    return row ? decode(row) : undefined;
  };

  const enqueue = async (input: EnqueueInput): Promise<EnqueueResult> => {
    validateEnqueueInput(input);
    const fingerprint = input.fingerprint ?? commandFingerprint(input.command);
    const [inserted] = await query(
      `with inserted as (
         insert into ${names.commands} (command_id, partition_key, partition_no, type, payload, metadata,
           idempotency_key, fingerprint, status, accepted_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'accepted', $9)
         on conflict do nothing
         returning *)
       select inserted.*, pg_notify($10, $11) from inserted`,
      [
        input.commandId,
        input.partitionKey,
        partitionOf(input.partitionKey, partitionCount),
        input.command.type,
        JSON.stringify(input.command.data),
        JSON.stringify(input.metadata ?? {}),
        input.idempotencyKey ?? null,
        fingerprint,
        clock().toISOString(),
        names.commandChannel,
        `enqueued:${logId}`,
      ],
    );
    if (inserted) return { record: decode(inserted), duplicate: false };
    // The id or the key is taken (by a committed command: the insert waited for any racing one).
    // One read finds both earlier records the enqueue may repeat.
    const earlier = (
      await query(`select * from ${names.commands} where command_id = $1 or idempotency_key = $2`, [
        input.commandId,
        input.idempotencyKey ?? null,
      ])
    ).map(decode);
    const repeat = resolveRepeat(input, fingerprint, {
      byId: (commandId) => earlier.find((record) => record.commandId === commandId),
      byKey: (key) => earlier.find((record) => record.idempotencyKey === key),
    });
    if (repeat) return repeat;
    throw new InternalError(
      `command ${input.commandId}: refused by the log but not found (concurrently removed?)`,
    );
  };

  const complete = createGroupCompleter({ store, names, clock, decode, notifyPayload: `completed:${logId}` });

  const listeners = new Set<() => void>();
  let wakeScheduled = false;
  let listener: NotificationListener | undefined;
  const leases = new Set<PartitionLease>();

  return {
    close: async () => {
      listeners.clear();
      const stopping = listener;
      listener = undefined;
      await Promise.all([...leases].map((lease) => lease.release()));
      leases.clear();
      await stopping?.stop();
    },
    partitionCount,
    enqueue,
    get: read,
    findByIdempotencyKey: readByKey,
    countPending: async (partitionKey, beforeSeq) => {
      await store.ready();
      const { rows } = await pool.query<{ pending: number }>(
        `select count(*)::int as pending from ${names.commands}
          where partition_key = $1 and status = 'accepted' and seq < $2`,
        [partitionKey, beforeSeq ?? Number.MAX_SAFE_INTEGER],
      );
      return rows[0]?.pending ?? 0;
    },
    acquire: async (ownerId) => {
      await store.ready();
      const lease = await acquirePartitionLease({
        clientConfig: pool.options,
        lockKey: `eventfold-partitions:${store.schema}`,
        partitionCount,
        ownerId: ownerId || randomUUID(),
        rebalanceMs: options.rebalanceMs ?? 1000,
        logger: options.logger,
      });
      leases.add(lease);
      return {
        ownerId: lease.ownerId,
        partitions: lease.partitions,
        release: async () => {
          leases.delete(lease);
          await lease.release();
        },
      };
    },
    next: async ({ partitions, excludeKeys, limit }) => {
      if (partitions.length === 0 || limit < 1) return [];
      // The oldest accepted command of each key (distinct on, through the partial index), then the
      // keys in arrival order of those commands.
      const rows = await query(
        `select * from (
           select distinct on (partition_key) * from ${names.commands}
            where status = 'accepted' and partition_no = any($1::int[]) and not (partition_key = any($2::text[]))
            order by partition_key, seq
         ) heads order by seq limit $3`,
        [partitions, [...excludeKeys], limit],
      );
      return rows.map(decode);
    },
    complete,
    recordAttempt: async (commandId, error) => {
      await query(
        `update ${names.commands} set attempts = attempts + 1, error = $2
          where command_id = $1 and status = 'accepted'`,
        [commandId, JSON.stringify(error)],
      );
      return read(commandId);
    },
    onForeignChange: (callback) => {
      listeners.add(callback);
      listener ??= createNotificationListener({
        clientConfig: pool.options,
        channel: names.commandChannel,
        notify: (payload) => {
          if (payload?.endsWith(`:${logId}`)) return;
          // Coalesced: a burst of other nodes' enqueues and completions wakes the listeners (a
          // worker poll and a re-read of every waited command each) once, not once per NOTIFY.
          if (wakeScheduled) return;
          wakeScheduled = true;
          setTimeout(() => {
            wakeScheduled = false;
            for (const wake of listeners) wake();
          }, FOREIGN_WAKE_COALESCE_MS);
        },
        retryMs: options.rebalanceMs ?? 1000,
        logger: options.logger,
      });
      void listener.start();
      return () => {
        listeners.delete(callback);
        if (listeners.size === 0 && listener) {
          const stopping = listener;
          listener = undefined;
          void stopping.stop();
        }
      };
    },
  };
};

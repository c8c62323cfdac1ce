import pg from 'pg';
import type { Logger } from '../core/logger.js';
import type { PartitionLease } from '../queue/types.js';

/** Options of `acquirePartitionLease`. */
export interface PartitionLeaseOptions {
  readonly clientConfig: pg.ClientConfig;
  /** Names the lock space: leases on one key share partitions, other keys are independent. */
  readonly lockKey: string;
  readonly partitionCount: number;
  readonly ownerId: string;
  /** How often ownership is rebalanced and a lost connection retried. */
  readonly rebalanceMs: number;
  readonly logger?: Logger;
}

/** Lock id marking a live member (partitions are 0…count-1). */
const MEMBER = -1;

const COUNT_MEMBERS = `
  select count(*)::int as members from pg_locks
   where locktype = 'advisory' and granted and objsubid = 2
     and classid = (hashtext($1)::bigint & 4294967295)::oid
     and objid = (${MEMBER}::bigint & 4294967295)::oid
     and database = (select oid from pg_database where datname = current_database())`;

// Tries partitions in the given order and stops at the limit: the volatile lock call is evaluated
// row by row, so no lock is taken beyond the rows returned.
const TRY_LOCK = `
  select p from unnest($2::int[]) with ordinality as u(p, i)
   where pg_try_advisory_lock(hashtext($1), p) limit $3`;

/**
 * Partition ownership across nodes with session-level advisory locks, on a connection of the
 * lease's own. A partition's lock is held by at most one session, so a partition has at most one
 * live owner; when a node dies its connection closes and PostgreSQL frees its locks at once, and
 * the survivors take the partitions at their next rebalance (within `rebalanceMs`). Every member
 * also holds a shared "member" lock; counting those gives the fair share, ceil(partitions / members):
 * a node above it releases partitions, a node below it tries free ones (starting at an offset
 * derived from its id, so nodes do not all grab the same ones). If the lease's connection drops,
 * `partitions()` is empty at once (never act on a lock that may be gone) until it reconnects.
 */
export const acquirePartitionLease = async (options: PartitionLeaseOptions): Promise<PartitionLease> => {
  let client: pg.Client | undefined;
  let owned: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let released = false;
  let ticking: Promise<void> | undefined;
  const offset = [...options.ownerId].reduce((sum, char) => (sum * 31 + char.charCodeAt(0)) >>> 0, 7);

  const connect = async (): Promise<pg.Client> => {
    const candidate = new pg.Client(options.clientConfig);
    candidate.on('error', (error) => {
      options.logger?.warn(
        { err: error, ownerId: options.ownerId },
        'eventfold: partition lease connection lost',
      );
      if (client === candidate) {
        client = undefined;
        owned = [];
      }
      candidate.end().catch(() => undefined);
    });
    await candidate.connect();
    await candidate.query('select pg_advisory_lock_shared(hashtext($1), $2)', [options.lockKey, MEMBER]);
    return candidate;
  };

  const rebalance = async (): Promise<void> => {
    if (released) return;
    if (!client) {
      owned = [];
      client = await connect();
    }
    const current = client;
    const { rows } = await current.query<{ members: number }>(COUNT_MEMBERS, [options.lockKey]);
    const fair = Math.ceil(options.partitionCount / Math.max(1, rows[0]?.members ?? 1));
    if (owned.length > fair) {
      const keep = owned.slice(0, fair);
      const give = owned.slice(fair);
      owned = keep;
      for (const partition of give)
        await current.query('select pg_advisory_unlock(hashtext($1), $2)', [options.lockKey, partition]);
    } else if (owned.length < fair) {
      const held = new Set(owned);
      const order = Array.from(
        { length: options.partitionCount },
        (_, index) => (index + offset) % options.partitionCount,
      ).filter((partition) => !held.has(partition));
      const taken = await current.query<{ p: number }>(TRY_LOCK, [
        options.lockKey,
        order,
        fair - owned.length,
      ]);
      if (client === current) owned = [...owned, ...taken.rows.map((row) => row.p)].sort((a, b) => a - b);
    }
  };

  const tick = (): void => {
    ticking = rebalance()
      .catch((error: unknown) => {
        options.logger?.warn(
          { err: error, ownerId: options.ownerId },
          'eventfold: partition rebalance failed',
        );
        const broken = client;
        client = undefined;
        owned = [];
        broken?.end().catch(() => undefined);
      })
      .finally(() => {
        ticking = undefined;
        if (!released) {
          timer = setTimeout(tick, options.rebalanceMs);
          timer.unref();
        }
      });
  };

  await rebalance();
  timer = setTimeout(tick, options.rebalanceMs);
  timer.unref();

  return {
    ownerId: options.ownerId,
    partitions: () => owned,
    release: async () => {
      released = true;
      if (timer) clearTimeout(timer);
      await ticking;
      owned = [];
      const current = client;
      client = undefined;
      // Closing the session frees every lock it holds, partitions and membership alike.
      await current?.end().catch(() => undefined);
    },
  };
};

import pg from 'pg';
import type { Message } from '../core/envelope.js';
import { StoreClosedError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { type ProjectionLocks, startOwnedProjection } from '../projections/ownership.js';
import type { ProjectionHandle, ProjectionOptions } from '../projections/types.js';
import type { PostgresEventStore } from './store/types.js';

/** Options of `createPostgresProjectionOwnership`. */
export interface PostgresProjectionOwnershipOptions {
  /** The store whose database holds the locks; projections of one schema compete for one lock each. */
  readonly store: PostgresEventStore;
  /** How often a standby node tries to take a projection over. Default 1000 ms. */
  readonly retryMs?: number;
  readonly logger?: Logger;
}

/** Runs projections with one owner per projection name across the nodes sharing a schema. */
export interface PostgresProjectionOwnership {
  /** Like `startProjection`, but the projection runs only on the node holding its lock. */
  readonly start: <Ctx, E extends Message>(options: ProjectionOptions<Ctx, E>) => ProjectionHandle;
  /** Ends the lock connection, freeing every lock it holds (stop the projections first). */
  readonly close: () => Promise<void>;
}

/**
 * Projection ownership on PostgreSQL with session advisory locks, all on one connection of their
 * own: a lock is held by at most one session, and PostgreSQL frees it the moment the holder's
 * session ends (process killed, network cut), so a standby's next try takes it. If this node's
 * lock connection errors, every projection it runs is told at once that its lock may be gone and
 * stops applying; a fresh connection is opened at the next try.
 */
export const createPostgresProjectionOwnership = (
  options: PostgresProjectionOwnershipOptions,
): PostgresProjectionOwnership => {
  const { store } = options;
  const space = `eventfold-projections:${store.schema}`;
  const listeners = new Set<() => void>();
  let client: Promise<pg.Client> | undefined;
  let closed = false;

  const lost = (): void => {
    client = undefined;
    for (const listener of [...listeners]) listener();
  };

  const connection = (): Promise<pg.Client> => {
    if (closed) return Promise.reject(new StoreClosedError('projection ownership is closed'));
    if (client) return client;
    const candidate = new pg.Client(store.pool.options);
    const opening = candidate.connect().then(() => candidate);
    client = opening;
    candidate.on('error', (error) => {
      options.logger?.warn({ err: error }, 'eventfold: projection lock connection lost');
      if (client === opening) lost();
      candidate.end().catch(() => undefined);
    });
    opening.catch(() => {
      if (client === opening) client = undefined;
    });
    return opening;
  };

  // One query at a time on the lock connection (several projections share it).
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work);
    queue = next.catch(() => undefined);
    return next;
  };

  const locks: ProjectionLocks = {
    tryAcquire: (name) =>
      serially(async () => {
        const current = await connection();
        try {
          const { rows } = await current.query<{ held: boolean }>(
            'select pg_try_advisory_lock(hashtext($1), hashtext($2)) as held',
            [space, name],
          );
          return rows[0]?.held === true;
        } catch (error) {
          // A failed query on the lock connection: treat every lock as gone and reconnect next time.
          if (client && (await client.catch(() => undefined)) === current) lost();
          current.end().catch(() => undefined);
          throw error;
        }
      }),
    release: (name) =>
      serially(async () => {
        const current = await client?.catch(() => undefined);
        await current?.query('select pg_advisory_unlock(hashtext($1), hashtext($2))', [space, name]);
      }),
    onLost: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  return {
    start: (projection) =>
      startOwnedProjection({
        ...projection,
        locks,
        ...(options.retryMs === undefined ? {} : { retryMs: options.retryMs }),
      }),
    close: async () => {
      closed = true;
      const current = await client?.catch(() => undefined);
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
};

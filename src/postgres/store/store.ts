import pg from 'pg';
import { StoreClosedError } from '../../core/errors.js';
import type { EventStore, ExpectedRevision, StreamMetadata, Subscription } from '../../core/store.js';
import { createAppendSignal } from '../../shared/append-signal.js';
import { checkExpectedRevision } from '../../shared/expected-revision.js';
import { resolveStoreOptions } from '../../shared/options.js';
import { readAllPageWith } from '../../shared/read-page.js';
import { validateStreamMetadata } from '../../shared/stream-visibility.js';
import { startSubscription } from '../../shared/subscription.js';
import {
  normalizeQuery,
  validateExpectedRevision,
  validateMaxCount,
  validatePosition,
  validateRevision,
  validateStreamId,
} from '../../shared/validate.js';
import { migrate } from '../schema/migrations.js';
import { quoteIdent, schemaNames, validateSchemaName } from '../sql.js';
import { createAppendBatcher, executeBatch, prepareAppend, settleAppend } from './append.js';
import {
  liveRevision,
  readAllAfter,
  readByQueryAfter,
  readHeadPosition,
  readStreamEvents,
  readStreamRow,
  readStreamState,
} from './read.js';
import { createNotificationListener } from './subscribe.js';
import type { PostgresEventStore, PostgresStoreOptions, PostgresTransaction } from './types.js';

const DEFAULT_POOL_SIZE = 10;
const DEFAULT_POLL_INTERVAL_MS = 1000;
const DEFAULT_MAX_BATCH_SIZE = 256;
const DEFAULT_BATCHES_IN_FLIGHT = 1;

/**
 * The PostgreSQL event store for production: many application nodes share one database (or one
 * schema of it). Migrates its schema on first use unless `migrate: false`.
 *
 * @example const store = createPostgresStore({ connectionString: process.env.DATABASE_URL! });
 */
export const createPostgresStore = (options: PostgresStoreOptions): PostgresEventStore => {
  const resolved = resolveStoreOptions(options);
  const schema = validateSchemaName(options.schema ?? 'eventfold');
  const names = schemaNames(schema);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const ownsPool = options.pool === undefined;
  const pool =
    options.pool ??
    new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? DEFAULT_POOL_SIZE });
  // An idle pooled connection that dies (server restart) emits 'error'; unhandled it would crash the process.
  if (ownsPool)
    pool.on('error', (error) => options.logger?.warn({ err: error }, 'eventfold: idle connection lost'));

  const signal = createAppendSignal();
  const subscriptions = new Set<Subscription>();
  const listener = createNotificationListener({
    clientConfig: options.connectionString ? { connectionString: options.connectionString } : pool.options,
    channel: names.channel,
    notify: () => signal.notify(),
    retryMs: pollIntervalMs,
    logger: options.logger,
  });
  const batcher = createAppendBatcher({
    pool,
    names,
    resolved,
    maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
    maxBatchesInFlight: options.maxBatchesInFlight ?? DEFAULT_BATCHES_IN_FLIGHT,
    onCommitted: () => signal.notify(),
  });
  let closed = false;
  let migrated: Promise<void> | undefined;

  const ready = (): Promise<void> => {
    if (closed) return Promise.reject(new StoreClosedError());
    migrated ??= (async () => {
      if (options.migrate === false) return;
      const client = await pool.connect();
      try {
        await migrate(client, names);
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      // Let the next operation try again (the database may come up later).
      migrated = undefined;
      throw error;
    });
    return migrated;
  };

  /**
   * deleteStream checks the expectation and moves deleted_before under the append lock, so no
   * append can slip between its check and its write.
   */
  const deleteUnderAppendLock = async (streamId: string, expected: ExpectedRevision): Promise<void> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(`select ${names.appendLock}`);
      const row = await readStreamRow(client, names, streamId);
      const conflict = checkExpectedRevision(streamId, expected, liveRevision(row));
      if (conflict) throw conflict;
      await client.query(
        `insert into ${names.streams} (stream_id, deleted_before) values ($1, $2)
         on conflict (stream_id) do update set deleted_before = excluded.deleted_before`,
        [streamId, Number(row?.revision ?? -1) + 1],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const transaction = async <T>(work: (tx: PostgresTransaction) => Promise<T>): Promise<T> => {
    await ready();
    const client = await pool.connect();
    const callbacks: Array<() => void> = [];
    let appended = false;
    let result: T;
    try {
      await client.query('begin');
      const tx: PostgresTransaction = {
        schema: quoteIdent(schema),
        append: async (streamId, events, appendOptions) => {
          if (closed) throw new StoreClosedError();
          const prepared = prepareAppend(streamId, events, appendOptions, resolved);
          const [outcome] = await executeBatch(client, names, [prepared]);
          const settled = await settleAppend(client, names, prepared, outcome, resolved);
          if (!settled.duplicate) appended = true;
          return settled;
        },
        query: async <Row extends object>(sql: string, params: readonly unknown[] = []) => {
          const queried = await client.query<Row>(sql, [...params]);
          return { rows: queried.rows, rowCount: queried.rowCount ?? 0 };
        },
        afterCommit: (callback) => {
          callbacks.push(callback);
        },
      };
      result = await work(tx);
      await client.query('commit');
      client.release();
    } catch (error) {
      // A connection that cannot even roll back is broken: destroy it instead of returning it to the pool.
      const rollbackError = await client.query('rollback').then(
        () => undefined,
        (failure: unknown) => failure,
      );
      client.release(rollbackError instanceof Error ? rollbackError : undefined);
      throw error;
    }
    if (appended) signal.notify();
    for (const callback of callbacks) callback();
    return result;
  };

  const guarded = async <T>(operation: () => Promise<T>): Promise<T> => {
    if (closed) throw new StoreClosedError();
    await ready();
    return operation();
  };

  const store: PostgresEventStore = {
    pool,
    schema,
    ready,
    transaction,
    append: (streamId, events, appendOptions) => {
      if (closed) return Promise.reject(new StoreClosedError());
      // Validate before waiting on anything: bad input fails fast with a ValidationError.
      let prepared: ReturnType<typeof prepareAppend>;
      try {
        prepared = prepareAppend(streamId, events, appendOptions, resolved);
      } catch (error) {
        return Promise.reject(error);
      }
      return ready().then(() => batcher.append(prepared));
    },
    readStream: (streamId, readOptions = {}) => {
      return guarded(() => {
        validateStreamId(streamId);
        const maxCount = validateMaxCount(readOptions.maxCount);
        const fromRevision =
          readOptions.fromRevision === undefined
            ? undefined
            : validateRevision('fromRevision', readOptions.fromRevision);
        return readStreamEvents(pool, names, streamId, {
          direction: readOptions.direction === 'backwards' ? 'backwards' : 'forwards',
          fromRevision,
          maxCount,
          now: resolved.clock(),
        });
      });
    },
    readAll: (readOptions = {}) =>
      guarded(() => {
        const after = validatePosition('after', readOptions.after ?? 0);
        return readAllAfter(pool, names, after, validateMaxCount(readOptions.maxCount));
      }),
    readAllPage: (readOptions) => readAllPageWith(store.readAll, readOptions),
    readByQuery: (query, readOptions = {}) =>
      guarded(() => {
        const items = normalizeQuery(query);
        const after = validatePosition('after', readOptions.after ?? 0);
        return readByQueryAfter(pool, names, items, after, validateMaxCount(readOptions.maxCount));
      }),
    headPosition: () => guarded(() => readHeadPosition(pool, names)),
    streamState: (streamId) =>
      guarded(() => {
        validateStreamId(streamId);
        return readStreamState(pool, names, streamId);
      }),
    setStreamMetadata: (streamId, metadata: StreamMetadata) =>
      guarded(async () => {
        validateStreamId(streamId);
        validateStreamMetadata(metadata);
        await pool.query(
          `insert into ${names.streams} (stream_id, metadata) values ($1, $2)
           on conflict (stream_id) do update set metadata = excluded.metadata`,
          [streamId, JSON.stringify(metadata)],
        );
      }),
    deleteStream: (streamId, deleteOptions = {}) =>
      guarded(async () => {
        validateStreamId(streamId);
        const expected: ExpectedRevision = validateExpectedRevision(deleteOptions?.expectedRevision);
        await deleteUnderAppendLock(streamId, expected);
      }),
    truncateStream: (streamId, beforeRevision) =>
      guarded(async () => {
        validateStreamId(streamId);
        validateRevision('beforeRevision', beforeRevision);
        // Merged in SQL so a concurrent setStreamMetadata is not overwritten by a stale copy.
        await pool.query(
          `insert into ${names.streams} (stream_id, metadata) values ($1, json_build_object('truncateBefore', $2::bigint))
           on conflict (stream_id) do update
           set metadata = (${names.streams}.metadata::jsonb || jsonb_build_object('truncateBefore', $2::bigint))::json`,
          [streamId, beforeRevision],
        );
      }),
    subscribe: (subscribeOptions) => {
      if (closed) throw new StoreClosedError();
      void listener.start();
      const subscription = startSubscription(
        {
          readAfter: async (after, maxCount) => {
            await ready();
            return readAllAfter(pool, names, after, maxCount);
          },
          signal,
          pollIntervalMs,
        },
        subscribeOptions,
      );
      subscriptions.add(subscription);
      subscription.done.finally(() => subscriptions.delete(subscription)).catch(() => undefined);
      return subscription;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      await batcher.close();
      await listener.stop();
      if (ownsPool) await pool.end();
    },
  };
  return store satisfies EventStore;
};

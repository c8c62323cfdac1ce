import type pg from 'pg';
import type { NewEvent, RecordedEvent } from '../../core/envelope.js';
import {
  ConcurrencyError,
  ConditionFailedError,
  DuplicateEventIdError,
  InternalError,
} from '../../core/errors.js';
import type { AppendOptions, AppendResult } from '../../core/store.js';
import type { ResolvedStoreOptions } from '../../shared/options.js';
import { recordEvent, withIds } from '../../shared/record.js';
import { type ValidatedAppend, validateAppend } from '../../shared/validate.js';
import type { SchemaNames } from '../sql.js';
import { readEventsById } from './read.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** An append checked and given its ids and time on the client, ready for `append_batch`. */
export interface PreparedAppend {
  readonly input: ValidatedAppend;
  readonly events: readonly (NewEvent & { id: string })[];
  /** The append's timestamp (ISO 8601), for events that arrive without one. */
  readonly time: string;
  /** The item as `append_batch` reads it. */
  readonly item: unknown;
}

/** What `append_batch` answers for one item. */
type ItemResult =
  | { readonly status: 'ok'; readonly position: number; readonly revision: number }
  | { readonly status: 'repeat'; readonly revision: number }
  | { readonly status: 'conflict'; readonly actual: number }
  | { readonly status: 'condition'; readonly position: number }
  | { readonly status: 'duplicate-id'; readonly id: string };

/** A PostgreSQL text[] literal: every element quoted, `"` and `\` escaped. */
const arrayLiteral = (values: readonly string[]): string =>
  `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

/** Validates an append and fills in what the client owns (ids, time, source) before any I/O. */
export const prepareAppend = (
  streamId: string,
  events: readonly NewEvent[],
  options: AppendOptions | undefined,
  resolved: ResolvedStoreOptions,
): PreparedAppend => {
  const input = validateAppend(streamId, events, options);
  const identified = withIds(input.events, resolved);
  const time = resolved.clock().toISOString();
  const item = {
    stream: input.streamId,
    expected: input.expectedRevision,
    condition: input.condition && {
      after: input.condition.after,
      query: input.condition.query.map((query) => ({ types: query.types ?? [], tags: query.tags ?? [] })),
    },
    events: identified.map((event) => ({
      id: event.id,
      type: event.type,
      source: event.source ?? resolved.source,
      time: event.time ?? time,
      // Encoded here and once more with the batch: see the note on append_batch in v1-initial.ts.
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata ?? {}),
      tags: arrayLiteral(event.tags ?? []),
    })),
  };
  return { input, events: identified, time, item };
};

/** Runs `append_batch` for several prepared appends in one statement: one round trip, one commit. */
export const executeBatch = async (
  client: Queryable,
  names: SchemaNames,
  batch: readonly PreparedAppend[],
): Promise<readonly ItemResult[]> => {
  const result = await client.query<{ results: ItemResult[] }>({
    name: `${names.statementPrefix}append`,
    text: `select ${names.appendBatch}($1) as results`,
    values: [JSON.stringify(batch.map((prepared) => prepared.item))],
  });
  return result.rows[0]?.results ?? [];
};

/** Turns one item's answer into the append's result, or the typed error it stands for. */
export const settleAppend = async (
  client: Queryable,
  names: SchemaNames,
  prepared: PreparedAppend,
  outcome: ItemResult | undefined,
  resolved: ResolvedStoreOptions,
): Promise<AppendResult> => {
  const { input } = prepared;
  switch (outcome?.status) {
    case 'ok': {
      const events = prepared.events.map((event, index) =>
        recordEvent(
          event,
          {
            streamId: input.streamId,
            revision: Number(outcome.revision) + index,
            position: Number(outcome.position) + index,
            time: prepared.time,
          },
          resolved,
        ),
      );
      const last = events[events.length - 1] as RecordedEvent;
      return {
        streamId: input.streamId,
        nextExpectedRevision: last.revision,
        position: last.position,
        events,
        duplicate: false,
      };
    }
    case 'repeat': {
      const ids = prepared.events.map((event) => event.id);
      const stored = await readEventsById(client, names, ids);
      const last = stored[stored.length - 1] as RecordedEvent;
      return {
        streamId: input.streamId,
        nextExpectedRevision: Number(outcome.revision),
        position: last.position,
        events: stored,
        duplicate: true,
      };
    }
    case 'conflict':
      throw new ConcurrencyError(input.streamId, input.expectedRevision, Number(outcome.actual));
    case 'condition':
      throw new ConditionFailedError(input.condition?.after ?? 0, Number(outcome.position));
    case 'duplicate-id':
      throw new DuplicateEventIdError(outcome.id);
    case undefined:
      throw new InternalError('append_batch returned no result for an append');
  }
};

interface Pending {
  readonly prepared: PreparedAppend;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Queues appends and writes them in group commits; see `createAppendBatcher`. */
export interface AppendBatcher {
  readonly append: (prepared: PreparedAppend) => Promise<AppendResult>;
  /** Resolves when every queued append has settled. */
  readonly drain: () => Promise<void>;
  /** Waits for queued appends, then returns the batch connection to the pool. */
  readonly close: () => Promise<void>;
}

/**
 * Group commit. Appends are serialized by the append lock anyway (v1-initial.ts), so sending them
 * one transaction each would cap a node at one commit per round trip. Instead every append that
 * arrives while a batch is being written joins the next one: one statement, one WAL flush, one lock
 * hold for all of them. Each append keeps its own checks and result.
 *
 * With `maxBatchesInFlight` > 1 the next batch is sent before the previous one is answered (on
 * another connection) and waits on the lock inside PostgreSQL, taking the round trip off the
 * critical path at the price of smaller batches; measured, one in flight (the default) wins with a
 * few writers. Because batches in flight can take the lock in either order, an append whose stream
 * is in a batch in flight waits for a later batch: appends to one stream keep call order.
 *
 * A batch that fails as a whole (an input PostgreSQL refuses, a lost connection) is retried one
 * append at a time so one bad append cannot fail its neighbours; a retry of an append that did
 * commit is recognised by its event ids and answered as a duplicate.
 */
export const createAppendBatcher = (deps: {
  readonly pool: pg.Pool;
  readonly names: SchemaNames;
  readonly resolved: ResolvedStoreOptions;
  readonly maxBatchSize: number;
  readonly maxBatchesInFlight: number;
  /** Called after a batch that stored something has committed. */
  readonly onCommitted: () => void;
}): AppendBatcher => {
  let queue: Pending[] = [];
  const busyStreams = new Map<string, number>();
  let inFlight = 0;
  let idle: Array<() => void> = [];

  const settleAll = async (batch: readonly Pending[], outcomes: readonly ItemResult[]): Promise<void> => {
    if (outcomes.some((outcome) => outcome.status === 'ok')) deps.onCommitted();
    await Promise.all(
      batch.map(async (pending, index) => {
        try {
          pending.resolve(
            await settleAppend(deps.pool, deps.names, pending.prepared, outcomes[index], deps.resolved),
          );
        } catch (error) {
          pending.reject(error);
        }
      }),
    );
  };

  // Batches go through one connection kept out of the pool (no checkout per batch); a connection
  // that failed is destroyed and replaced. Extra ones come from the pool when batches overlap.
  let kept: pg.PoolClient | undefined;
  const execute = async (prepared: readonly PreparedAppend[]): Promise<readonly ItemResult[]> => {
    const reuse = kept;
    kept = undefined;
    const client = reuse ?? (await deps.pool.connect());
    try {
      const outcomes = await executeBatch(client, deps.names, prepared);
      if (kept === undefined && !closing) kept = client;
      else client.release();
      return outcomes;
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  };
  let closing = false;

  const write = async (batch: readonly Pending[]): Promise<void> => {
    try {
      const outcomes = await execute(batch.map((pending) => pending.prepared));
      await settleAll(batch, outcomes);
    } catch (error) {
      if (batch.length === 1) {
        (batch[0] as Pending).reject(error);
        return;
      }
      for (const pending of batch) await write([pending]);
    }
  };

  /** The next batch: queue order, skipping streams in flight (and everything after them on those streams). */
  const take = (): Pending[] => {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const deferred = new Set<string>();
    for (const pending of queue) {
      const stream = pending.prepared.input.streamId;
      if (batch.length < deps.maxBatchSize && !busyStreams.has(stream) && !deferred.has(stream))
        batch.push(pending);
      else {
        rest.push(pending);
        deferred.add(stream);
      }
    }
    queue = rest;
    return batch;
  };

  const mark = (batch: readonly Pending[], delta: 1 | -1): void => {
    for (const pending of batch) {
      const stream = pending.prepared.input.streamId;
      const count = (busyStreams.get(stream) ?? 0) + delta;
      if (count === 0) busyStreams.delete(stream);
      else busyStreams.set(stream, count);
    }
  };

  const pump = (): void => {
    while (inFlight < deps.maxBatchesInFlight && queue.length > 0) {
      const batch = take();
      if (batch.length === 0) break;
      inFlight += 1;
      mark(batch, 1);
      void write(batch).finally(() => {
        inFlight -= 1;
        mark(batch, -1);
        pump();
        if (inFlight === 0 && queue.length === 0) {
          const waiting = idle;
          idle = [];
          for (const wake of waiting) wake();
        }
      });
    }
  };

  return {
    append: (prepared) =>
      new Promise<AppendResult>((resolve, reject) => {
        queue.push({ prepared, resolve, reject });
        pump();
      }),
    close: async () => {
      closing = true;
      while (inFlight > 0 || queue.length > 0)
        await new Promise<void>((resolve) => {
          idle.push(resolve);
        });
      kept?.release();
      kept = undefined;
    },
    drain: () =>
      inFlight === 0 && queue.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            idle.push(resolve);
          }),
  };
};

import type pg from 'pg';
import type { NewEvent, RecordedEvent } from '../../core/envelope.js';
import { ConcurrencyError, ConditionFailedError, DuplicateEventIdError } from '../../core/errors.js';
import type { AppendOptions, AppendResult } from '../../core/store.js';
import type { ResolvedStoreOptions } from '../shared/options.js';
import { recordEvent, withIds } from '../shared/record.js';
import { type ValidatedAppend, validateAppend } from '../shared/validate.js';
import { readEventsById } from './read.js';
import type { SchemaNames } from './sql.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** An append checked and given its ids and time on the client, ready for `append_batch`. */
export interface PreparedAppend {
  readonly input: ValidatedAppend;
  readonly events: readonly (NewEvent & { id: string })[];
  readonly now: Date;
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

/** Validates an append and fills in what the client owns (ids, time, source) before any I/O. */
export const prepareAppend = (
  streamId: string,
  events: readonly NewEvent[],
  options: AppendOptions | undefined,
  resolved: ResolvedStoreOptions,
): PreparedAppend => {
  const input = validateAppend(streamId, events, options);
  const identified = withIds(input.events, resolved);
  const now = resolved.clock();
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
      time: event.time ?? now.toISOString(),
      // Encoded here and once more with the batch: see the note on append_batch in v1-initial.ts.
      data: JSON.stringify(event.data),
      metadata: JSON.stringify(event.metadata ?? {}),
      tags: event.tags ?? [],
    })),
  };
  return { input, events: identified, now, item };
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
            now: prepared.now,
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
      throw new Error('append_batch returned no result for an append');
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
}

/**
 * Group commit. Appends are serialized by the head-row lock anyway (v1-initial.ts), so sending them
 * one transaction each would cap a node at one commit per round trip. Instead one batch is in
 * flight at a time and every append that arrives meanwhile joins the next one: one statement, one
 * WAL flush, one lock hold for all of them. Each append keeps its own checks and result. A batch
 * that fails as a whole (an input PostgreSQL refuses, a lost connection) is retried one append at a
 * time so one bad append cannot fail its neighbours.
 */
export const createAppendBatcher = (deps: {
  readonly pool: pg.Pool;
  readonly names: SchemaNames;
  readonly resolved: ResolvedStoreOptions;
  readonly maxBatchSize: number;
  /** Called after a batch that stored something has committed. */
  readonly onCommitted: () => void;
}): AppendBatcher => {
  const queue: Pending[] = [];
  let running: Promise<void> | undefined;

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

  const write = async (batch: readonly Pending[]): Promise<void> => {
    try {
      const outcomes = await executeBatch(
        deps.pool,
        deps.names,
        batch.map((pending) => pending.prepared),
      );
      await settleAll(batch, outcomes);
    } catch (error) {
      if (batch.length === 1) {
        (batch[0] as Pending).reject(error);
        return;
      }
      for (const pending of batch) await write([pending]);
    }
  };

  const run = async (): Promise<void> => {
    while (queue.length > 0) await write(queue.splice(0, deps.maxBatchSize));
    running = undefined;
  };

  return {
    append: (prepared) =>
      new Promise<AppendResult>((resolve, reject) => {
        queue.push({ prepared, resolve, reject });
        running ??= run();
      }),
    drain: async () => {
      while (running) await running;
    },
  };
};

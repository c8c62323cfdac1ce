import { AssertionError } from 'node:assert';
import type { Message, NewEvent, RecordedEvent } from '../core/envelope.js';
import { createMemoryTarget, type MemoryProjectionContext } from '../memory/target.js';
import type { PostgresReader } from '../postgres/sql-dialect.js';
import { createPostgresTarget, type PostgresProjectionContext } from '../postgres/target.js';
import { applyBatch, prepareProjection } from '../projections/batch.js';
import { projectorFilter } from '../projections/steps.js';
import type { ProjectionTarget, Projector } from '../projections/types.js';
import type { SqliteReader } from '../sqlite/sql-dialect.js';
import { createSqliteTarget, type SqliteProjectionContext } from '../sqlite/target.js';
import { createTempPostgresStore, type TempPostgresStoreOptions } from './postgres.js';
import { renderValueDiff, sameValue } from './render.js';
import { createTempSqliteStore } from './sqlite.js';

/** A target for one projector spec run, and how to read the read model back. */
export interface ProjectorFixture<Ctx, ReadModel> {
  readonly target: ProjectionTarget<Ctx>;
  readonly read: () => ReadModel | Promise<ReadModel>;
  readonly dispose?: () => Promise<void>;
}

/** A given event: a new event, optionally naming its stream (default `test-stream`). */
export type GivenEvent = NewEvent & { readonly streamId?: string };

export interface ProjectorThen<ReadModel> {
  /**
   * Asserts the read model equals `expected`, or runs an assertion on it (e.g. a query). Rejects with
   * an `AssertionError` naming the projector and showing expected vs actual.
   */
  readonly then: (expected: ReadModel | ((readModel: ReadModel) => void | Promise<void>)) => Promise<void>;
}

export interface ProjectorSpec<ReadModel> {
  readonly given: (events: readonly GivenEvent[]) => ProjectorThen<ReadModel>;
}

const GIVEN_TIME = '2026-01-01T00:00:00.000Z';

/** Turns given events into what the store would have recorded: positions 1.., revisions per stream. */
export const recordGiven = (events: readonly GivenEvent[]): readonly RecordedEvent[] => {
  const revisions = new Map<string, number>();
  return events.map((event, index) => {
    const streamId = event.streamId ?? 'test-stream';
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    return {
      specversion: '1.0',
      id: event.id ?? `given-${index + 1}`,
      type: event.type,
      source: event.source ?? 'eventfold-test',
      subject: streamId,
      time: event.time ?? GIVEN_TIME,
      datacontenttype: 'application/json',
      data: event.data,
      streamId,
      revision,
      position: index + 1,
      tags: event.tags ?? [],
      metadata: event.metadata ?? {},
    };
  });
};

/**
 * Given/then for a projector, through the real runtime path (init, filter, one transaction with the
 * checkpoint) on a fresh target per run:
 *
 * ```ts
 * await projectorSpec(balances, memoryProjection(() => ({}))).given([charged]).then({ C1: 120 });
 * // A portable projector, its queries and one test run on both databases:
 * for (const fixture of [sqliteProjection(listTrucks), postgresProjection(listTrucks, { connectionString })])
 *   await projectorSpec(trucksView, fixture).given(events).then([{ truckId: 'T1', … }]);
 * ```
 */
export const projectorSpec = <Ctx, E extends Message, ReadModel>(
  projector: Projector<Ctx, E>,
  fixture: () => ProjectorFixture<Ctx, ReadModel> | Promise<ProjectorFixture<Ctx, ReadModel>>,
): ProjectorSpec<ReadModel> => ({
  given: (events) => ({
    // biome-ignore lint/suspicious/noThenProperty: see ProjectorThen.
    then: async (expected) => {
      const { target, read, dispose } = await fixture();
      try {
        await prepareProjection(projector, target);
        const recorded = recordGiven(events);
        if (recorded.length > 0) await applyBatch(projector, target, recorded, projectorFilter(projector));
        const actual = await read();
        const header = `projector ${projector.name}, given ${events.length} event(s) [${events
          .map((event) => event.type)
          .join(', ')}]`;
        if (typeof expected === 'function') {
          try {
            await (expected as (readModel: ReadModel) => void | Promise<void>)(actual);
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            throw new AssertionError({ message: `${header}: ${message}`, actual, operator: 'projectorSpec' });
          }
          return;
        }
        if (!sameValue(expected, actual))
          throw new AssertionError({
            message: `${header}: the read model differs\n${renderValueDiff(expected, actual)}`,
            expected,
            actual,
            operator: 'projectorSpec',
          });
      } finally {
        await dispose?.();
      }
    },
  }),
});

/** Fixture factory: a fresh memory target per run, read back as its state. */
export const memoryProjection =
  <S>(initial: () => S) =>
  (): ProjectorFixture<MemoryProjectionContext<S>, S> => {
    const target = createMemoryTarget(initial);
    return { target, read: target.read };
  };

/**
 * Fixture factory: a fresh temp SQLite store per run, the read model read back with
 * `read(reader)` — portable queries (`reader.all(sql…)`) or the connection (`reader.database`).
 */
export const sqliteProjection =
  <ReadModel>(read: (reader: SqliteReader) => ReadModel | Promise<ReadModel>) =>
  async (): Promise<ProjectorFixture<SqliteProjectionContext, ReadModel>> => {
    const temp = await createTempSqliteStore();
    const target = createSqliteTarget(temp.store);
    return { target, read: () => read(target.reader), dispose: temp.cleanup };
  };

/**
 * Fixture factory: a fresh PostgreSQL schema per run (dropped after it), the read model read back
 * with `read(reader)`. With the same `read` as a `sqliteProjection`, one test covers both databases.
 */
export const postgresProjection =
  <ReadModel>(
    read: (reader: PostgresReader) => ReadModel | Promise<ReadModel>,
    options: TempPostgresStoreOptions,
  ) =>
  async (): Promise<ProjectorFixture<PostgresProjectionContext, ReadModel>> => {
    const temp = await createTempPostgresStore(options);
    const target = createPostgresTarget(temp.store);
    return { target, read: () => read(target.reader), dispose: temp.cleanup };
  };

import type { Message, RecordedEvent } from '../core/envelope.js';
import { DEFAULT_PROJECTION_BATCH_SIZE, prepareProjection } from '../projections/batch.js';
import { projectorFilter, projectorVersion } from '../projections/steps.js';
import type { Projector, RecordedEventOf } from '../projections/types.js';
import type { SqliteEventStore, SqliteInlineProjection, SqliteTransaction } from './store/types.js';
import {
  checkpointStatements,
  createSqliteTarget,
  mustBeSync,
  type SqliteProjectionContext,
  sqliteProjectionContext,
} from './target.js';

/**
 * Applies events to an inline projection inside the caller's transaction, guarded by its checkpoint
 * read in that same transaction: events at or below it are already in the read model and are
 * skipped, so the append path and a catch-up can never apply an event twice.
 */
const applyGuarded = <E extends Message>(
  projector: Projector<SqliteProjectionContext, E>,
  handles: (event: RecordedEvent) => event is RecordedEventOf<E>,
  tx: Pick<SqliteTransaction, 'database'>,
  events: readonly RecordedEvent[],
): void => {
  const last = events[events.length - 1];
  if (!last) return;
  const statements = checkpointStatements(tx.database);
  const checkpoint = statements.select.get(projector.name)?.position ?? 0;
  if (last.position <= checkpoint) return;
  const selected = events.filter(
    (event): event is RecordedEventOf<E> => event.position > checkpoint && handles(event),
  );
  if (selected.length > 0)
    mustBeSync(projector.apply(sqliteProjectionContext(tx.database), selected), projector.name);
  statements.upsert.run(projector.name, last.position, projectorVersion(projector));
};

/**
 * Turns a synchronous SQLite projector into an inline projection for
 * `createSqliteStore({ inlineProjections: [...] })`: the read model is updated in the append's own
 * transaction (no lag; a throw aborts the append). It keeps the same checkpoint as the async
 * runtime, so `rebuildProjection` with `createSqliteTarget` rebuilds it.
 *
 * Call `prepareSqliteInlineProjection(store, projector)` once after opening the store and before
 * appending: it creates the tables and applies the events stored while the projection was not
 * registered (or rebuilds on a version change). Appends made before that would leave a gap.
 */
export const sqliteInlineProjection = <E extends Message>(
  projector: Projector<SqliteProjectionContext, E>,
): SqliteInlineProjection => {
  const handles = projectorFilter(projector);
  return {
    name: projector.name,
    apply: (tx, events) => applyGuarded(projector, handles, tx, events),
  };
};

/**
 * Readies an inline projection: checkpoint table, version check (reset on change), `init`, then
 * catch-up from its checkpoint to the head, each batch guarded like the inline path. Returns the
 * position it caught up to.
 */
export const prepareSqliteInlineProjection = async <E extends Message>(
  store: SqliteEventStore,
  projector: Projector<SqliteProjectionContext, E>,
  options: { readonly batchSize?: number } = {},
): Promise<number> => {
  const handles = projectorFilter(projector);
  let { position } = await prepareProjection(projector, createSqliteTarget(store));
  const batchSize = options.batchSize ?? DEFAULT_PROJECTION_BATCH_SIZE;
  for (;;) {
    const batch = await store.readAll({ after: position, maxCount: batchSize });
    const last = batch[batch.length - 1];
    if (!last) return position;
    await store.transaction((tx) => applyGuarded(projector, handles, tx, batch));
    position = last.position;
  }
};

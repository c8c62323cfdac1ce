import type { Message, RecordedEvent } from '../core/envelope.js';
import { ValidationError } from '../core/errors.js';
import type { QueryItem } from '../core/store.js';
import { matchesQuery } from '../shared/query.js';
import { normalizeQuery } from '../shared/validate.js';
import type { ProjectorDefinition, RecordedEventOf } from './types.js';

type Step<Ctx> = ((ctx: Ctx) => void | Promise<void>) | undefined;

/** True for a thenable: what a projector step returns when it does not finish synchronously. */
export const isPromise = (value: unknown): value is Promise<void> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Runs steps in order against one context. Stays synchronous while the steps are (SQLite
 * transactions must not await), and chains on the first promise otherwise.
 */
export const sequence =
  <Ctx>(...steps: readonly Step<Ctx>[]) =>
  (ctx: Ctx): void | Promise<void> => {
    let pending: Promise<void> | undefined;
    for (const step of steps) {
      if (!step) continue;
      if (pending) {
        pending = pending.then(() => step(ctx));
        continue;
      }
      const result = step(ctx);
      if (isPromise(result)) pending = result;
    }
    return pending;
  };

/** Default version of a projector without one. */
export const projectorVersion = (projector: Pick<ProjectorDefinition<never>, 'version'>): number =>
  projector.version ?? 1;

const invalidSelection = (message: string): ValidationError =>
  new ValidationError(`projector: ${message}`, [{ field: 'projector.types', message }]);

/**
 * The events a projector handles, as a store query: its `types`, narrowed by its `filter` when it
 * has both; undefined when it handles every event.
 */
export const projectorQuery = (
  projector: Pick<ProjectorDefinition<never>, 'types' | 'filter'>,
): readonly QueryItem[] | undefined => {
  const { types, filter } = projector;
  if (types !== undefined && types.length === 0) throw invalidSelection('types must name at least one type');
  const items: readonly QueryItem[] | undefined =
    filter === undefined ? undefined : normalizeQuery(filter, 'projector.filter');
  if (types === undefined) return items;
  if (items === undefined) return [{ types }];
  const narrowed = items.flatMap((item): QueryItem[] => {
    const kept = item.types?.length ? item.types.filter((type) => types.includes(type)) : types;
    // An item left without types would match every type: it selects none of ours, so it goes.
    return kept.length === 0 ? [] : [{ types: kept, ...(item.tags ? { tags: item.tags } : {}) }];
  });
  if (narrowed.length === 0) throw invalidSelection('filter selects none of its types');
  return narrowed;
};

/**
 * A predicate selecting the events a projector handles (all when it names neither types nor a
 * filter). It is what narrows a batch to the projector's events, hence the type guard.
 */
export const projectorFilter = <E extends Message>(
  projector: Pick<ProjectorDefinition<never, E>, 'types' | 'filter'>,
): ((event: RecordedEvent) => event is RecordedEventOf<E>) => {
  const query = projectorQuery(projector);
  if (query === undefined) return (_event): _event is RecordedEventOf<E> => true;
  return (event): event is RecordedEventOf<E> => matchesQuery(event, query);
};

/** The work of a reset: create what is missing, empty it, create again (reset may drop tables). */
export const resetWork = <Ctx>(projector: Pick<ProjectorDefinition<Ctx, never>, 'init' | 'reset'>) =>
  sequence<Ctx>(projector.init, projector.reset, projector.init);

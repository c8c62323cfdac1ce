import type { RecordedEvent } from '../core/envelope.js';
import type { QueryItem } from '../core/store.js';
import { matchesQuery } from '../shared/query.js';
import { normalizeQuery } from '../shared/validate.js';
import type { Projector } from './types.js';

type Step<Ctx, Result> = ((ctx: Ctx) => Result) | undefined;

const isPromise = (value: unknown): value is Promise<void> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Runs steps in order against one context. Stays synchronous while the steps are (SQLite
 * transactions must not await), and chains on the first promise otherwise.
 */
export const sequence =
  <Ctx, Result extends void | Promise<void>>(...steps: readonly Step<Ctx, Result>[]) =>
  (ctx: Ctx): Result => {
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
    return pending as Result;
  };

/** Default version of a projector without one. */
export const projectorVersion = (projector: Pick<Projector<unknown>, 'version'>): number =>
  projector.version ?? 1;

/** A predicate selecting the events a projector handles (all when it has no filter). */
export const projectorFilter = (
  projector: Pick<Projector<unknown>, 'filter'>,
): ((event: RecordedEvent) => boolean) => {
  if (projector.filter === undefined) return () => true;
  const items: readonly QueryItem[] = normalizeQuery(projector.filter, 'projector.filter');
  return (event) => matchesQuery(event, items);
};

/** The work of a reset: create what is missing, empty it, create again (reset may drop tables). */
export const resetWork = <Ctx, Result extends void | Promise<void>>(projector: Projector<Ctx, Result>) =>
  sequence<Ctx, Result>(projector.init, projector.reset, projector.init);

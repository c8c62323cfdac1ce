import type { Message } from '../core/envelope.js';
import type { Query, QueryItem } from '../core/store.js';
import { matchesQuery } from '../shared/query.js';

/**
 * A small state a decision reads (Disintegrate's state query): the query selecting its events and
 * the fold over exactly those. `evolve` ignores events its query does not select, so views combined
 * into one decision never see each other's events (a truck's events never move a shipment's state).
 * Declared with methods so views of different events combine without casts.
 */
export interface StateView<S, E extends Message = Message> {
  readonly query: readonly QueryItem[];
  initialState(): S;
  evolve(state: S, event: E): S;
}

/** What `stateView` is given: the query and fold of one kind of view, for any id. */
export interface StateViewDefinition<Id, S, E extends Message> {
  readonly query: (id: Id) => Query;
  readonly initialState: (id: Id) => S;
  /** Total: events it does not know leave the state unchanged. Gets only events `query(id)` selects. */
  readonly evolve: (state: S, event: E, id: Id) => S;
}

const itemsOf = (query: Query): readonly QueryItem[] => (Array.isArray(query) ? query : [query as QueryItem]);

/** Tags of an event as folded: recorded and new events carry them, a bare `{ type, data }` has none. */
const tagsOf = (event: Message): readonly string[] => (event as { tags?: readonly string[] }).tags ?? [];

/** True when the event is one the query selects, as the store decides it. */
export const selects = (query: Query, event: Message): boolean =>
  matchesQuery({ type: event.type, tags: tagsOf(event) }, itemsOf(query));

/**
 * Declares a kind of state view; call the result with an id to get the view of one entity.
 *
 * @example
 * const truckOccupancy = stateView({
 *   query: (truckId: string) => ({ tags: [`truck:${truckId}`] }),
 *   initialState: (): string | null => null,
 *   evolve: (occupant, event: ShipmentEvent, truckId) => …,
 * });
 */
export const stateView =
  <Id, S, E extends Message>(definition: StateViewDefinition<Id, S, E>) =>
  (id: Id): StateView<S, E> => {
    const query = itemsOf(definition.query(id));
    return {
      query,
      initialState: () => definition.initialState(id),
      evolve: (state, event) => (selects(query, event) ? definition.evolve(state, event, id) : state),
    };
  };

type StateOf<V> = V extends StateView<infer S, Message> ? S : never;
type EventOf<V> = V extends StateView<unknown, infer E> ? E : never;

/**
 * Combines views into one decision's state, a tuple of theirs in the same order, with the union
 * of their queries: the events the decision reads and its DCB condition watches.
 *
 * @example
 * state: (command) => combine(shipment(command.data.shipmentId), truckOccupancy(command.data.truckId)),
 * decide: (command, [shipment, occupant]) => …
 */
export const combine = <const Views extends readonly StateView<unknown, Message>[]>(
  ...views: Views
): StateView<{ -readonly [K in keyof Views]: StateOf<Views[K]> }, EventOf<Views[number]>> => {
  type Combined = { -readonly [K in keyof Views]: StateOf<Views[K]> };
  return {
    query: views.flatMap((view) => view.query),
    initialState: () => views.map((view) => view.initialState()) as Combined,
    evolve: (state, event) => {
      let changed = false;
      const next = views.map((view, index) => {
        const before = state[index];
        const after = view.evolve(before, event);
        if (after !== before) changed = true;
        return after;
      });
      return changed ? (next as Combined) : state;
    },
  };
};

import type { Message, NewEvent } from './envelope.js';
import { type ErrorDetail, InternalError } from './errors.js';

/** A decider refusing a command: a value, never a thrown string. */
export interface Rejection<Reason extends string = string> {
  readonly rejected: true;
  /** Stable machine-readable code, e.g. `TRUCK_OCCUPIED`. */
  readonly reason: Reason;
  readonly message: string;
  readonly details?: readonly ErrorDetail[];
}

export const reject = <Reason extends string>(
  reason: Reason,
  message: string,
  details?: readonly ErrorDetail[],
): Rejection<Reason> =>
  details ? { rejected: true, reason, message, details } : { rejected: true, reason, message };

export const isRejection = (value: unknown): value is Rejection =>
  typeof value === 'object' && value !== null && (value as { rejected?: unknown }).rejected === true;

/**
 * What `decide` returns: the new events (possibly none), or a rejection. Events may be plain
 * `{ type, data }` or carry `tags`, `id` and `metadata`.
 */
export type Decision<E extends Message> = readonly (E | NewEvent<E>)[] | Rejection;

/**
 * The book's aggregate as three pure functions. `evolve` is total: an event it does not know
 * returns the state unchanged. Time, ids and prices arrive on the command.
 */
export interface Decider<C extends Message, E extends Message, S> {
  readonly initialState: () => S;
  readonly evolve: (state: S, event: E) => S;
  readonly decide: (command: C, state: S) => Decision<E>;
}

/** Folds events into state with the decider's `evolve`. */
export const fold = <E extends Message, S>(
  decider: Pick<Decider<Message, E, S>, 'initialState' | 'evolve'>,
  events: Iterable<E>,
  from: S = decider.initialState(),
): S => {
  let state = from;
  for (const event of events) state = decider.evolve(state, event);
  return state;
};

/** Exhaustiveness check for `switch` over a union: a compile error when a case is missing. */
export const assertNever = (value: never): never => {
  throw new InternalError(`unexpected value: ${JSON.stringify(value)}`);
};

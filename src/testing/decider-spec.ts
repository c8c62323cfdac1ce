import { AssertionError } from 'node:assert';
import { resolveCommand } from '../commands/define.js';
import type { CommandDefinition } from '../commands/types.js';
import { selects } from '../commands/views.js';
import type { Decider } from '../core/decider.js';
import { isRejection } from '../core/decider.js';
import type { Message, NewEvent } from '../core/envelope.js';
import { renderListDiff, renderValue, sameValue } from './render.js';

/** An expected event: `type` and `data`, plus `tags` when the test cares about them. */
export type ExpectedEvent<E extends Message> = E | (NewEvent<E> & { readonly tags: readonly string[] });

/** What a rejection must look like: its reason, or reason plus message (exact string or pattern). */
export interface RejectionMatcher {
  readonly reason: string;
  readonly message?: string | RegExp;
}

/** The final step of a decider spec. Each method throws an `AssertionError` naming the step that failed. */
export interface DeciderThen<E extends Message> {
  /** Asserts the decider accepted the command and produced exactly these events, in order. */
  readonly then: (expected: readonly ExpectedEvent<E>[]) => void;
  /** Asserts the decider rejected the command with this reason (and message, if given). */
  readonly thenRejects: (expected: string | RejectionMatcher) => void;
}

export interface DeciderWhen<C extends Message, E extends Message> {
  readonly when: (command: C) => DeciderThen<E>;
}

export interface DeciderSpec<C extends Message, E extends Message> {
  /**
   * Past events, folded with `evolve` into the state the command is decided on. For a DCB
   * definition only those its query selects are folded, by type and tags, as the store would.
   */
  readonly given: (events: readonly (E | NewEvent<E>)[]) => DeciderWhen<C, E>;
}

const comparable = <E extends Message>(event: E | NewEvent<E>, withTags: boolean): object =>
  withTags
    ? { type: event.type, data: event.data, tags: (event as NewEvent<E>).tags ?? [] }
    : { type: event.type, data: event.data };

const fail = (message: string, expected: unknown, actual: unknown): never => {
  throw new AssertionError({ message, expected, actual, operator: 'deciderSpec' });
};

const isDefinition = <C extends Message, E extends Message, S>(
  subject: Decider<C, E, S> | CommandDefinition<C, E, S>,
): subject is CommandDefinition<C, E, S> => typeof (subject as { type?: unknown }).type === 'string';

/** The decider and the given events a command is decided on, as `handle` or the queue would load them. */
const decisionInput = <C extends Message, E extends Message, S>(
  subject: Decider<C, E, S> | CommandDefinition<C, E, S>,
  events: readonly (E | NewEvent<E>)[],
  command: C,
): { readonly decider: Decider<C, E, S>; readonly events: readonly E[] } => {
  if (!isDefinition(subject))
    return { decider: subject, events: events.map((event) => ({ type: event.type, data: event.data }) as E) };
  const { decider, query } = resolveCommand(subject, command);
  // Tags stay on the events: state views route each event by them, as they do on recorded events.
  const withTags = events.map((event) => ({ ...event, tags: (event as NewEvent<E>).tags ?? [] }) as E);
  return { decider, events: query ? withTags.filter((event) => selects(query, event)) : withTags };
};

/**
 * Given/when/then for a decider or a command definition, for node:test or any runner catching
 * `AssertionError`:
 *
 * ```ts
 * deciderSpec(counter).given([{ type: 'Incremented', data: { by: 1 } }])
 *   .when({ type: 'Increment', data: { by: 2 } })
 *   .then([{ type: 'Incremented', data: { by: 2 } }]);
 * ```
 *
 * Given a DCB definition (a `query`, or state views), only the given events its query selects are
 * folded, so an event missing a tag the decision depends on fails the spec as it would fail in the
 * store. Events are compared on `type` and `data` (and `tags` when an expected event lists them).
 */
export const deciderSpec = <C extends Message, E extends Message, S>(
  subject: Decider<C, E, S> | CommandDefinition<C, E, S>,
): DeciderSpec<C, E> => ({
  given: (events) => ({
    when: (command) => {
      const { decider, events: folded } = decisionInput(subject, events, command);
      let state = decider.initialState();
      for (const event of folded) state = decider.evolve(state, event);
      const decision = decider.decide(command, state);
      const header = `when ${command.type} ${renderValue(command.data)}`;
      return {
        // biome-ignore lint/suspicious/noThenProperty: given/when/then is the public vocabulary; a spec is never awaited.
        then: (expected) => {
          if (isRejection(decision))
            fail(
              `${header}: expected events, but the command was rejected with ${decision.reason}: ${decision.message}\n` +
                `expected events:\n${renderListDiff(expected, [])}`,
              expected,
              decision,
            );
          const actualEvents = decision as readonly (E | NewEvent<E>)[];
          const wanted = expected.map((event) => comparable(event, 'tags' in event));
          const got = actualEvents.map((event, index) => {
            const reference = expected[index];
            return comparable(event, reference !== undefined && 'tags' in reference);
          });
          if (!sameValue(wanted, got))
            fail(
              `${header}: the events differ (- expected, + actual)\n${renderListDiff(wanted, got)}`,
              wanted,
              got,
            );
        },
        thenRejects: (expected) => {
          const matcher = typeof expected === 'string' ? { reason: expected } : expected;
          if (!isRejection(decision)) {
            const got = (decision as readonly (E | NewEvent<E>)[]).map((event) => comparable(event, false));
            fail(
              `${header}: expected rejection ${matcher.reason}, but the command was accepted with events:\n` +
                renderListDiff([], got),
              matcher,
              got,
            );
            return;
          }
          if (decision.reason !== matcher.reason)
            fail(
              `${header}: expected rejection ${matcher.reason}, got ${decision.reason} (${decision.message})`,
              matcher.reason,
              decision.reason,
            );
          const message = matcher.message;
          const messageMatches =
            message === undefined ||
            (typeof message === 'string' ? decision.message === message : message.test(decision.message));
          if (!messageMatches)
            fail(
              `${header}: rejection ${decision.reason} has message ${JSON.stringify(decision.message)}, expected ${String(message)}`,
              message,
              decision.message,
            );
        },
      };
    },
  }),
});

import type { Decider } from '../core/decider.js';
import type { Message } from '../core/envelope.js';
import { ValidationError } from '../core/errors.js';
import type { Query } from '../core/store.js';
import type { CommandDefinition, DeciderCommandDefinition, ViewCommandDefinition } from './types.js';

/**
 * One definition per command: its type, how it is decided (a decider, plus a DCB `query`; or
 * state views and `decide`), where its events go and how the queue orders and pre-checks it.
 * The result is what `handle`, `createCommandQueue({ commands })` and `commandRoute` take.
 *
 * @example
 * export const deliverShipment = defineCommand({
 *   type: 'DeliverShipment',
 *   decider: deliverShipmentDecider,
 *   streamId: (command: DeliverShipment) => shipmentStreamId(command.data.shipmentId),
 *   preCheck: refuseUnknownShipment,
 * });
 */
export function defineCommand<C extends Message, E extends Message, S>(
  definition: DeciderCommandDefinition<C, E, S>,
): DeciderCommandDefinition<C, E, S>;
export function defineCommand<C extends Message, E extends Message, S>(
  definition: ViewCommandDefinition<C, E, S>,
): ViewCommandDefinition<C, E, S>;
export function defineCommand<C extends Message, E extends Message, S>(
  definition: CommandDefinition<C, E, S>,
): CommandDefinition<C, E, S> {
  if (typeof definition.type !== 'string' || definition.type.length === 0)
    throw new ValidationError('a command definition needs a type', [
      { field: 'type', message: 'must be a non-empty string' },
    ]);
  if ((definition.decider === undefined) === (definition.state === undefined))
    throw new ValidationError(`command ${definition.type}: give either a decider or state views`, [
      { field: 'decider', message: 'exactly one of decider and state' },
    ]);
  return definition;
}

/** How one command is decided: the decider to fold and decide with, and its DCB query if any. */
export interface ResolvedCommand<C extends Message, E extends Message, S> {
  readonly decider: Decider<C, E, S>;
  readonly query: Query | undefined;
}

/** The decider and query a definition gives one command (views resolve to their fold and union). */
export const resolveCommand = <C extends Message, E extends Message, S>(
  definition: CommandDefinition<C, E, S>,
  command: C,
): ResolvedCommand<C, E, S> => {
  if (definition.state === undefined)
    return { decider: definition.decider, query: definition.query?.(command) };
  const view = definition.state(command);
  return {
    decider: {
      initialState: () => view.initialState(),
      evolve: (state, event) => view.evolve(state, event),
      decide: (given, state) => definition.decide(given, state),
    },
    query: view.query,
  };
};

/** True for a DCB definition: its state spans streams (no snapshots, no stream revision). */
export const isDcb = (definition: CommandDefinition): boolean =>
  definition.state !== undefined || definition.query !== undefined;

/** The key ordering a command in the queue: `partitionKey`, else its stream. */
export const partitionKeyOf = <C extends Message>(
  definition: CommandDefinition<C, Message, unknown>,
  command: C,
): string => (definition.partitionKey ? definition.partitionKey(command) : definition.streamId(command));

import { fold, isRejection } from '../core/decider.js';
import type { EventMetadata, Message, NewEvent } from '../core/envelope.js';
import { ValidationError } from '../core/errors.js';
import type { EventStore } from '../core/store.js';
import { resolveCommand } from './define.js';
import { loadState } from './load.js';
import type { CommandContext, CommandDefinition, DecideOptions, PreparedDecision } from './types.js';

/** The metadata the runtime stamps: command id, correlation and causation (both default to the command id), actor. */
const contextMetadata = (context: CommandContext): EventMetadata => {
  const entries: [string, string | undefined][] = [
    ['commandId', context.commandId],
    ['correlationId', context.correlationId ?? context.commandId],
    ['causationId', context.causationId ?? context.commandId],
    ['actor', context.actor],
  ];
  return Object.fromEntries(entries.filter((entry): entry is [string, string] => entry[1] !== undefined));
};

/**
 * The one place events are stamped, on the direct and the queued path alike. Completes the
 * decider's events for the store: metadata from the command context (its `metadata` under the
 * decider's, the runtime's ids and actor over both) and, when asked, ids derived from the command
 * id so a command processed twice appends the same ids — an idempotent no-op the second time.
 */
export const stampEvents = <E extends Message>(
  events: readonly (E | NewEvent<E>)[],
  options: Pick<DecideOptions, keyof CommandContext | 'deterministicIds'> = {},
): readonly NewEvent[] => {
  if (options.deterministicIds && options.commandId === undefined)
    throw new ValidationError('deterministicIds needs a commandId', [
      { field: 'commandId', message: 'required when deterministicIds is true' },
    ]);
  const stamped = contextMetadata(options);
  return events.map((event, index): NewEvent => {
    const given = event as NewEvent<E>;
    const id = given.id ?? (options.deterministicIds ? `${options.commandId}/${index}` : undefined);
    const metadata = { ...options.metadata, ...given.metadata, ...stamped };
    const withMetadata: NewEvent = { ...given, metadata };
    return id === undefined ? withMetadata : { ...withMetadata, id };
  });
};

/**
 * Loads the state (snapshot + newer events, or the DCB query), runs `decide`, and returns what to
 * append — without appending. The direct path (`handle`) appends it; the queued path appends it in
 * its own transaction together with the command's outcome. Pass `appendOptions` to the append
 * unchanged: it is the concurrency guard matching the state that was read.
 */
export const prepareDecision = async <C extends Message, E extends Message, S>(
  store: EventStore,
  definition: CommandDefinition<C, E, S>,
  command: C,
  options: DecideOptions = {},
): Promise<PreparedDecision<S>> => {
  if (command?.type !== definition.type)
    throw new ValidationError(
      `command ${String(command?.type)} handed to the definition of ${definition.type}`,
      [{ field: 'type', message: `must be ${definition.type}` }],
    );
  const snapshots = options.snapshots ?? definition.snapshots;
  const { loaded, appendOptions } = await loadState(store, definition, command, snapshots);
  const { decider } = resolveCommand(definition, command);
  const decision = decider.decide(command, loaded.state);
  if (isRejection(decision)) return { ok: false, rejection: decision, state: loaded.state };
  const state = fold(decider, decision as readonly E[], loaded.state);
  return {
    ok: true,
    streamId: definition.streamId(command),
    events: stampEvents(decision, options),
    appendOptions,
    previousState: loaded.state,
    state,
    loaded,
  };
};

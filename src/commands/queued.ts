import type { EventMetadata, Message } from '../core/envelope.js';
import { RejectedError } from '../core/errors.js';
import type { EventStore } from '../core/store.js';
import { createQueueEngine } from '../queue/engine.js';
import type {
  CommandQueue,
  EnqueueCheckContext,
  QueueEngineOptions,
  WorkHandler,
  WorkItem,
  WorkOutcome,
} from '../queue/types.js';
import { prepareDecision } from './decide.js';
import { partitionKeyOf } from './define.js';
import type { CommandContext, CommandDefinition, PreCheckContext } from './types.js';

/** Options of `createCommandQueue`: the engine's, plus the store commands are decided on and their definitions. */
export interface CommandQueueOptions extends Omit<QueueEngineOptions, 'handlers'> {
  /** The store commands are decided on (the log commits their events to the same store). */
  readonly store: EventStore;
  /** One definition per command type the queue runs. */
  readonly commands: readonly CommandDefinition[];
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Where the command came from, taken from what the log recorded with it. */
const contextOf = (commandId: string, metadata: EventMetadata): CommandContext => {
  const context: { -readonly [K in keyof CommandContext]: CommandContext[K] } = { commandId, metadata };
  const correlationId = text(metadata.correlationId);
  const causationId = text(metadata.causationId);
  const actor = text(metadata.actor);
  if (correlationId !== undefined) context.correlationId = correlationId;
  if (causationId !== undefined) context.causationId = causationId;
  if (actor !== undefined) context.actor = actor;
  return context;
};

/** Decides a command on the current state; event ids derive from the command id, so a re-run is idempotent. */
const decideQueued = (store: EventStore, definition: CommandDefinition, command: Message, item: WorkItem) =>
  prepareDecision(store, definition, command, {
    ...contextOf(item.commandId, item.metadata),
    deterministicIds: true,
  });

/**
 * The queue engine's handler for one command definition: deciding (and the only stamping of its
 * events, in `prepareDecision`) happens here; the engine commits the outcome with the events.
 */
export const commandWorkHandler = (store: EventStore, definition: CommandDefinition): WorkHandler => {
  const preCheck = definition.preCheck?.bind(definition);
  const handler: WorkHandler = {
    type: definition.type,
    partitionKey: (message) => partitionKeyOf(definition, message),
    process: async (item): Promise<WorkOutcome> => {
      const decision = await decideQueued(store, definition, { type: item.type, data: item.data }, item);
      if (!decision.ok) {
        const { reason, message, details } = decision.rejection;
        return { status: 'rejected', error: { code: reason, message, details: details ?? [] } };
      }
      const result = { streamId: decision.streamId };
      if (decision.events.length === 0) return { status: 'succeeded', result };
      return {
        status: 'succeeded',
        result,
        append: { streamId: decision.streamId, events: decision.events, options: decision.appendOptions },
      };
    },
  };
  if (!preCheck) return handler;
  return {
    ...handler,
    preCheck: (message, context: EnqueueCheckContext) =>
      preCheck(message, {
        ...context,
        store,
        exists: async (streamId) => {
          const head = await store.streamState(streamId);
          return !head.deleted && head.revision >= 0;
        },
        decide: () =>
          decideQueued(store, definition, message, {
            commandId: context.commandId,
            partitionKey: handler.partitionKey(message),
            type: message.type,
            data: message.data,
            metadata: context.metadata,
            attempts: 0,
          }),
      } satisfies PreCheckContext),
  };
};

/**
 * The queued command runtime: the durable queue engine running command definitions. `enqueue`
 * runs the definition's pre-check and durably records the command; workers decide it on fresh
 * state and commit its events with its outcome in one transaction (see `createQueueEngine`).
 *
 * @example
 * const queue = createCommandQueue({ store, log, commands: [submitShipment, assignTruck] });
 * await queue.start();
 */
export const createCommandQueue = (options: CommandQueueOptions): CommandQueue => {
  const { store, commands, ...engine } = options;
  return createQueueEngine({
    ...engine,
    handlers: commands.map((definition) => commandWorkHandler(store, definition)),
  });
};

/**
 * A pre-check that refuses a command at once (409) when nothing is waiting before it for the same
 * key and deciding on the current state rejects it — then the outcome is as certain as it gets.
 * With commands pending it lets the command through: they may make it valid. It costs a full
 * decision; prefer a cheap question (`context.exists`) when it answers what the client needs.
 */
export const preCheckWhenIdle = async (_command: Message, context: PreCheckContext): Promise<void> => {
  if ((await context.pending()) > 0) return;
  const decision = await context.decide();
  if (!decision.ok)
    throw new RejectedError(
      decision.rejection.reason,
      decision.rejection.message,
      decision.rejection.details,
    );
};

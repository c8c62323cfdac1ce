import type { Message } from '../core/envelope.js';
import { RejectedError } from '../core/errors.js';
import type {
  PreCheckContext,
  PrepareContext,
  PreparedCommand,
  QueuedCommandHandler,
} from '../queue/types.js';
import { prepareDecision } from './decide.js';
import type { CommandSpec, SnapshotOptions } from './types.js';

/** Options of `queuedCommand`. */
export interface QueuedCommandOptions<C extends Message, E extends Message, S> {
  /** The command type this handler runs (one handler per type; several may share a spec). */
  readonly type: C['type'];
  readonly spec: CommandSpec<C, E, S>;
  /** Entity key ordering the commands. Defaults to `spec.streamId(command)`. */
  readonly partitionKey?: (command: C) => string;
  readonly snapshots?: SnapshotOptions;
  /** Refuses certain outcomes before enqueueing (see `QueuedCommandHandler.preCheck`). */
  readonly preCheck?: (command: C, context: PreCheckContext) => Promise<void>;
}

/**
 * A queue handler for a decider spec: state is loaded and decided by the runtime's
 * `prepareDecision`, with event ids derived from the command id so a re-run is idempotent.
 *
 * @example
 * queuedCommand({ type: 'AssignTruck', spec: assignSpec, partitionKey: (c) => c.data.shipmentId })
 */
export const queuedCommand = <C extends Message, E extends Message, S>(
  options: QueuedCommandOptions<C, E, S>,
): QueuedCommandHandler => {
  const prepare = async (command: C, context: PrepareContext): Promise<PreparedCommand> => {
    const { metadata } = context;
    const decision = await prepareDecision(context.store, options.spec, command, {
      commandId: context.commandId,
      deterministicIds: true,
      ...(typeof metadata.correlationId === 'string' ? { correlationId: metadata.correlationId } : {}),
      ...(typeof metadata.causationId === 'string' ? { causationId: metadata.causationId } : {}),
      ...(typeof metadata.actor === 'string' ? { actor: metadata.actor } : {}),
      ...(options.snapshots ? { snapshots: options.snapshots } : {}),
    });
    return decision.ok
      ? {
          ok: true,
          streamId: decision.streamId,
          events: decision.events,
          appendOptions: decision.appendOptions,
        }
      : { ok: false, rejection: decision.rejection };
  };
  const handler: QueuedCommandHandler<C> = {
    type: options.type,
    partitionKey: options.partitionKey ?? options.spec.streamId,
    prepare,
    ...(options.preCheck ? { preCheck: options.preCheck } : {}),
  };
  // The queue dispatches on `type`, so a handler only ever sees commands of its own type.
  return handler as unknown as QueuedCommandHandler;
};

/** Erases a hand-written handler's command type so it fits in the queue's handler list. */
export const defineQueuedCommand = <C extends Message>(
  handler: QueuedCommandHandler<C>,
): QueuedCommandHandler => handler as unknown as QueuedCommandHandler;

/**
 * A pre-check that refuses a command at once (409) when nothing is waiting before it for the same
 * key and deciding on the current state rejects it — then the outcome is as certain as it gets.
 * With commands pending it lets the command through: they may make it valid.
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

import type { Message } from '../core/envelope.js';
import { ValidationError } from '../core/errors.js';
import { commandFingerprint, resolveRepeat, validateEnqueueInput } from './records.js';
import type { CommandLog, EnqueueInput, EnqueueOptions, EnqueueResult, WorkHandler } from './types.js';

export interface EnqueueDeps {
  readonly log: CommandLog;
  readonly handlers: ReadonlyMap<string, WorkHandler>;
  readonly newId: () => string;
  /** Called after a new item was recorded (not for a repeat): wakes the workers. */
  readonly onAccepted: (result: EnqueueResult) => void;
}

const handlerFor = (handlers: ReadonlyMap<string, WorkHandler>, type: string): WorkHandler => {
  const handler = handlers.get(type);
  if (!handler)
    throw new ValidationError(`unknown command type ${type}`, [
      { field: 'type', message: `no handler for ${type}` },
    ]);
  return handler;
};

/**
 * The accept path: finds the item's handler (an unknown type is refused), answers a repeated
 * idempotency key with the first record, runs the handler's pre-check, then records the item
 * durably. Resolves once the log committed it.
 */
export const createEnqueue =
  ({ log, handlers, newId, onAccepted }: EnqueueDeps) =>
  async (message: Message, options: EnqueueOptions = {}): Promise<EnqueueResult> => {
    const handler = handlerFor(handlers, message?.type);
    const partitionKey = handler.partitionKey(message);
    const { idempotencyKey, fingerprint } = options;
    const inputFor = (commandId: string): EnqueueInput => {
      const input: { -readonly [K in keyof EnqueueInput]: EnqueueInput[K] } = {
        commandId,
        partitionKey,
        command: message,
        metadata: { correlationId: commandId, ...options.metadata, commandId },
      };
      if (idempotencyKey !== undefined) input.idempotencyKey = idempotencyKey;
      if (fingerprint !== undefined) input.fingerprint = fingerprint;
      return input;
    };
    if (idempotencyKey !== undefined) {
      // A repeat answers with the first item even when its pre-check would now refuse it (e.g.
      // "already delivered" after the first request delivered it). Answered from the record just
      // read: sending it through the log again would only look the same key up twice more.
      const earlier = await log.findByIdempotencyKey(idempotencyKey);
      if (earlier) {
        const repeat = inputFor(earlier.commandId);
        validateEnqueueInput(repeat);
        const answer = resolveRepeat(repeat, fingerprint ?? commandFingerprint(message), {
          byId: () => earlier,
          byKey: () => earlier,
        });
        if (answer) return answer;
      }
    }
    const commandId = options.commandId ?? newId();
    if (options.preCheck !== false && handler.preCheck)
      await handler.preCheck(message, {
        commandId,
        metadata: { ...options.metadata, commandId },
        pending: () => log.countPending(partitionKey),
      });
    const result = await log.enqueue(inputFor(commandId));
    if (!result.duplicate) onAccepted(result);
    return result;
  };

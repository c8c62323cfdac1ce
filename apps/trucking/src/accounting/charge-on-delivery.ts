import type { CommandQueue, ProjectionTarget, Projector, RecordedEvent } from 'eventfold';
import type { ShipmentDelivered } from '../shipments/events.js';
import type { ChargeCustomer } from './charge-customer.js';

/**
 * The charge command for a delivery. Its id is derived from the delivered event's id, so a
 * redelivered event (the listener restarted before its checkpoint committed, or a rebuild) enqueues
 * the same command id, which the command log records only once: a delivery never charges twice.
 */
export const chargeForDelivery = (
  event: RecordedEvent<ShipmentDelivered>,
): { commandId: string; command: ChargeCustomer } => {
  const { data } = event;
  return {
    commandId: `charge-for-${event.id}`,
    command: {
      type: 'ChargeCustomer',
      data: {
        accountId: data.customerId,
        shipmentId: data.shipmentId,
        amountCents: data.priceCents,
        at: data.deliveredAt,
      },
    },
  };
};

/**
 * Cross-domain listener: when a shipment is delivered, accounting is told to charge the customer.
 * It runs as a projector with a checkpoint; its effect (enqueueing) happens before the checkpoint
 * commits, i.e. at least once, and the derived command id makes it exactly once in effect.
 */
export const chargeOnDelivery = (
  queue: Pick<CommandQueue, 'enqueue'>,
): Projector<unknown, ShipmentDelivered> => ({
  name: 'trucking-charge-on-delivery',
  version: 1,
  types: ['ShipmentDelivered'],
  apply: async (_ctx, events) => {
    for (const event of events) {
      const { commandId, command } = chargeForDelivery(event);
      await queue.enqueue(command, {
        commandId,
        preCheck: false,
        metadata: {
          correlationId: event.metadata.correlationId ?? event.id,
          causationId: event.id,
          actor: 'charge-on-delivery',
        },
      });
    }
  },
  // Nothing to empty: a replay re-enqueues the same command ids, which the command log ignores.
  reset: async () => undefined,
});

/**
 * A target for a listener whose work is an asynchronous side effect (here: enqueueing commands)
 * rather than a read-model write: the work runs first, then the checkpoint is stored through the
 * given target. A crash between the two replays the batch, which the work must tolerate.
 */
export const checkpointAfterWork = <Ctx>(checkpoints: ProjectionTarget<Ctx>): ProjectionTarget<unknown> => ({
  setup: () => checkpoints.setup(),
  readCheckpoint: (name) => checkpoints.readCheckpoint(name),
  transact: async (name, work, checkpoint) => {
    await work(undefined);
    if (checkpoint) await checkpoints.transact(name, () => undefined, checkpoint);
  },
});

import { Type } from '@sinclair/typebox';
import type { CommandQueue } from 'eventfold';
import { type Message, NotFoundError, type PreCheckContext } from 'eventfold';
import type { HttpServer } from 'eventfold/http';
import { shipmentStreamId } from '../shipments/events.js';

/** What every command route needs besides the server and the queue: the acceptance clock and id source. */
export interface RouteDeps {
  readonly app: HttpServer;
  readonly queue: CommandQueue;
  /** Stamps the command's `at` when the request is accepted: deciders never read a clock. */
  readonly clock: () => Date;
  readonly newId: () => string;
}

/** Ids in paths end up inside stream ids (≤ 200 characters), so they are bounded. */
export const IdString = Type.String({ minLength: 1, maxLength: 150 });
export const ShipmentParams = Type.Object({ shipmentId: IdString }, { additionalProperties: false });

/**
 * Pre-check for commands on an existing shipment: unknown shipment → 404 at once, but only when no
 * earlier command of the same shipment is still queued (it might be the one creating it). It asks
 * the cheap question (does the shipment's stream exist), not the whole decision; every other
 * refusal goes through the queue, so `?wait=true` answers it as `409 { status: "rejected" }`.
 */
export const refuseUnknownShipment = async <C extends Message<string, { shipmentId: string }>>(
  command: C,
  context: PreCheckContext,
): Promise<void> => {
  if ((await context.pending()) > 0) return;
  const { shipmentId } = command.data;
  if (!(await context.exists(shipmentStreamId(shipmentId))))
    throw new NotFoundError('shipment', `shipment ${shipmentId} does not exist`);
};

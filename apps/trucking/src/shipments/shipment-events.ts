import type { EventStore, JsonObject } from 'eventfold';
import type { HttpServer, ReadYourWrites } from 'eventfold/http';
import { ShipmentParams } from '../shared/http.js';
import { notFound } from '../shared/read-routes.js';
import { shipmentStreamId } from './events.js';

/**
 * `GET /shipments/:shipmentId/events`: the shipment's own stream, straight from the event store
 * (not a projection), in stream order with revisions from 0.
 */
export const shipmentEventsRoute = (deps: {
  readonly app: HttpServer;
  readonly store: EventStore;
  readonly consistency: ReadYourWrites;
}): void => {
  const { app, store, consistency } = deps;
  app.get(
    '/shipments/:shipmentId/events',
    {
      schema: {
        params: ShipmentParams,
        summary: "A shipment's events, in stream order",
        tags: ['shipments'],
      },
    },
    async (request, reply) => {
      const { shipmentId } = request.params;
      // The stream is read straight from the store: no projection to wait for, only the queue.
      await consistency.beforeKeyRead(request, shipmentStreamId(shipmentId), []);
      const events = await store.readStream(shipmentStreamId(shipmentId));
      if (events.length === 0) return notFound(reply, `shipment ${shipmentId}`);
      return {
        items: events.map(
          (event): JsonObject => ({
            id: event.id,
            type: event.type,
            time: event.time,
            revision: event.revision,
            position: event.position,
            data: event.data,
            metadata: event.metadata as JsonObject,
          }),
        ),
      };
    },
  );
};

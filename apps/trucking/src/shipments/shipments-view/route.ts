import { Type } from '@sinclair/typebox';
import { IdString, ShipmentParams } from '../../shared/http.js';
import { notFound, type ReadRouteDeps } from '../../shared/read-routes.js';
import { shipmentStreamId } from '../events.js';
import { getShipment, listShipments } from './queries.js';

const ShipmentsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([
        Type.Literal('submitted'),
        Type.Literal('assigned'),
        Type.Literal('shipped'),
        Type.Literal('delivered'),
      ]),
    ),
    customerId: Type.Optional(IdString),
    // Query strings are not coerced (bodies must not be), so the number is checked as text.
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,5}$' })),
  },
  { additionalProperties: true },
);

/** `GET /shipments` (filters `status`, `customerId`) and `GET /shipments/:shipmentId`. */
export const shipmentsRoutes = ({ app, db, projection, consistency }: ReadRouteDeps): void => {
  app.get(
    '/shipments',
    { schema: { querystring: ShipmentsQuery, summary: 'List shipments', tags: ['shipments'] } },
    async (request) => {
      await consistency.beforeListRead(request, [projection]);
      const { status, customerId, limit } = request.query;
      return {
        items: await listShipments(db, {
          ...(status ? { status } : {}),
          ...(customerId ? { customerId } : {}),
          ...(limit ? { limit: Number(limit) } : {}),
        }),
      };
    },
  );
  app.get(
    '/shipments/:shipmentId',
    { schema: { params: ShipmentParams, summary: 'One shipment', tags: ['shipments'] } },
    async (request, reply) => {
      const { shipmentId } = request.params;
      await consistency.beforeKeyRead(request, shipmentStreamId(shipmentId), [projection]);
      const shipment = await getShipment(db, shipmentId);
      if (!shipment) return notFound(reply, `shipment ${shipmentId}`);
      return shipment;
    },
  );
};

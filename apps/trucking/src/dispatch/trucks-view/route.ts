import type { ReadRouteDeps } from '../../shared/read-routes.js';
import { listTrucks } from './queries.js';

/** `GET /trucks`: every truck ever assigned, available or occupied. */
export const trucksRoutes = ({ app, db, projection, consistency }: ReadRouteDeps): void => {
  app.get(
    '/trucks',
    { schema: { summary: 'Every truck ever assigned', tags: ['dispatch'] } },
    async (request) => {
      await consistency.beforeListRead(request, [projection]);
      return { items: await listTrucks(db) };
    },
  );
};

import type { ProjectionHandle } from 'eventfold';
import type { HttpServer } from 'eventfold/http';

/**
 * `GET /projections`: each projection's checkpoint, the log's head and how far behind it is, so
 * an operator sees lag (and a stuck listener) without reading the database.
 */
export const projectionsRoute = (app: HttpServer, projections: readonly ProjectionHandle[]): void => {
  app.get(
    '/projections',
    { schema: { summary: 'Lag of every projection', tags: ['operations'] } },
    async () => ({
      items: await Promise.all(
        projections.map(async (projection) => ({ name: projection.name, ...(await projection.lag()) })),
      ),
    }),
  );
};

import type { ProjectionHandle } from 'eventfold';
import { type HttpServer, notFoundAnswer } from 'eventfold/http';
import type { FastifyReply } from 'fastify';
import type { TruckingReadModels } from '../read-models.js';
import type { Freshness } from './freshness.js';

/** What a read-model route needs: the server, the queries, its projection and freshness waits. */
export interface ReadRouteDeps {
  readonly app: HttpServer;
  readonly reads: TruckingReadModels;
  readonly projection: ProjectionHandle;
  readonly freshness: Freshness;
}

/** Answers the contract's 404 shape for an unknown resource on a read. */
export const notFound = (reply: FastifyReply, what: string) => {
  const { status, body } = notFoundAnswer(what);
  return reply.status(status).send(body);
};

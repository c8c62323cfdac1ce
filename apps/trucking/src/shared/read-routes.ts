import type { ProjectionHandle, SqlReader } from 'eventfold';
import { type HttpServer, notFoundAnswer } from 'eventfold/http';
import type { FastifyReply } from 'fastify';
import type { Freshness } from './freshness.js';

/** What a read-model route needs: the server, the read models' database, its projection and freshness waits. */
export interface ReadRouteDeps {
  readonly app: HttpServer;
  /** Queries of the read models, the same statements on SQLite and PostgreSQL. */
  readonly db: SqlReader;
  readonly projection: ProjectionHandle;
  readonly freshness: Freshness;
}

/** Answers the contract's 404 shape for an unknown resource on a read. */
export const notFound = (reply: FastifyReply, what: string) => {
  const { status, body } = notFoundAnswer(what);
  return reply.status(status).send(body);
};

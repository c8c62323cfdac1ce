import type { ProjectionHandle, SqlReader } from 'eventfold';
import { type HttpServer, notFoundAnswer, type ReadYourWrites } from 'eventfold/http';
import type { FastifyReply } from 'fastify';

/** What a read-model route needs: the server, the read models' database, its projection and read-your-writes. */
export interface ReadRouteDeps {
  readonly app: HttpServer;
  /** Queries of the read models, the same statements on SQLite and PostgreSQL. */
  readonly db: SqlReader;
  readonly projection: ProjectionHandle;
  /** Waits, bounded, for the writes a read depends on (the library's read-your-writes). */
  readonly consistency: ReadYourWrites;
}

/** Answers the contract's 404 shape for an unknown resource on a read. */
export const notFound = (reply: FastifyReply, what: string) => {
  const { status, body } = notFoundAnswer(what);
  return reply.status(status).send(body);
};

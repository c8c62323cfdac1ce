/**
 * `eventfold/http`: Fastify helpers an application composes — a server with Eventfold's
 * conventions (validation, error shape, OpenAPI, health, graceful shutdown) and routes for
 * queued commands and their status.
 */

// Routes for queued commands: POST a command (answering 202 with its Location) and GET its status.
export { commandLocation, commandRoute } from './command-route.js';
export { commandStatusRoute } from './command-status-route.js';
// The contract's error answers, for an application's own routes and error handler.
export type { ErrorAnswer } from './errors.js';
export { notFoundAnswer, toErrorAnswer } from './errors.js';
// Read-your-writes for reads of projections: wait for the client's earlier commands, bounded.
export type { ReadToken, ReadYourWrites, ReadYourWritesOptions } from './read-your-writes.js';
export {
  AFTER_COMMANDS_HEADER,
  DEFAULT_READ_WAIT_MS,
  POSITION_HEADER,
  readTokenOf,
  readYourWrites,
} from './read-your-writes.js';
// The server with Eventfold's conventions, and its orderly shutdown.
export { closeOnSignals, createHttpServer } from './server.js';
// Options of the server and the command route, and the body of every error answer.
export type {
  CommandRequest,
  CommandRouteOptions,
  EnqueueFields,
  ErrorBody,
  HttpServer,
  HttpServerOptions,
} from './types.js';

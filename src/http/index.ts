/**
 * `eventfold/http`: Fastify helpers an application composes — a server with Eventfold's
 * conventions (validation, error shape, OpenAPI, health, graceful shutdown) and routes for
 * queued commands and their status.
 */

export {
  commandLocation,
  commandRoute,
  commandView,
  requestFingerprint,
  strictSchema,
} from './command-route.js';
export { commandStatusRoute } from './command-status-route.js';
export type { ErrorAnswer } from './errors.js';
export { notFoundAnswer, toErrorAnswer } from './errors.js';
export { closeOnSignals, createHttpServer } from './server.js';
export type {
  BuiltCommand,
  CommandRequest,
  CommandRouteOptions,
  ErrorBody,
  HttpServer,
  HttpServerOptions,
} from './types.js';

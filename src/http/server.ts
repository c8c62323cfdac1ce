import { fastifySwagger } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { notFoundAnswer, toErrorAnswer } from './errors.js';
import type { HttpServer, HttpServerOptions } from './types.js';

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** An empty plugin carrying a name, as fastify-plugin would mark it (skip-override + meta). */
const pluginNamed = (name: string) =>
  Object.assign((_instance: unknown, _options: unknown, done: () => void) => done(), {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('plugin-meta')]: { name },
  });

/**
 * Builds a Fastify server with Eventfold's HTTP conventions: strict validation (unknown fields
 * refused, every offending field listed, no type coercion of bodies), the contract's error shape
 * for every failure including unknown routes, structured logs (a pino logger, silent without one), OpenAPI at `/docs` and
 * `/docs/json`, `GET /health`, and an orderly `close()` running `onClose` steps.
 *
 * @example
 * const app = createHttpServer({ logger, onClose: [queue.stop, store.close] });
 * commandRoute(app, queue, { url: '/counters/:id/add', params, body, command: … });
 */
export const createHttpServer = (options: HttpServerOptions = {}): HttpServer => {
  const app = Fastify({
    // Without a logger Fastify logs nothing (its null logger), so pino is not needed to stay silent.
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Fastify's defaults strip unknown fields and coerce "5" into 5: both would accept invalid
    // input silently. The contract wants them refused, with every offending field named.
    ajv: {
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: false, useDefaults: true },
    },
    // Clients get a 503 while the server drains during shutdown instead of a reset connection.
    return503OnClosing: true,
    // Fastify answers a malformed URL (and a failed async route constraint) itself, before routing
    // and the error handler: map those too, so the client gets the contract's shape and code.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const { status, body } = toErrorAnswer(error);
      void reply.status(status).send(body);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorAnswer(error);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, status }, 'request refused');
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = notFoundAnswer(`route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(status).send(body);
  });

  if (options.docs !== false) {
    // @fastify/swagger documents routes through an onRoute hook, which only sees routes added
    // after the plugin loaded — and `register` defers loading until `ready()`, after the app
    // added its routes. Its setup is synchronous, so run it on the root instance right now: the
    // factory stays synchronous and every route is documented.
    fastifySwagger(
      // Same instance; the plugin's signature just does not carry the TypeBox type provider.
      app as unknown as FastifyInstance,
      {
        openapi: {
          info: {
            title: options.openapi?.title ?? 'Eventfold API',
            version: options.openapi?.version ?? '1.0.0',
            ...(options.openapi?.description ? { description: options.openapi.description } : {}),
          },
        },
      },
      (error) => {
        if (error) throw error;
      },
    );
    // The UI plugin checks that a plugin named @fastify/swagger was registered: say it was.
    void app.register(pluginNamed('@fastify/swagger'));
    void app.register(swaggerUi, { routePrefix: '/docs' });
  }

  const ready = options.ready ?? (() => true);
  app.get('/health', { schema: { hide: true } }, async (_request, reply) =>
    ready() ? { status: 'ok' } : reply.status(503).send({ status: 'starting' }),
  );

  // Runs after the server stopped accepting and in-flight requests ended: the queue then
  // finishes the commands it is processing before the store under it closes.
  const steps = options.onClose ?? [];
  app.addHook('onClose', async () => {
    for (const step of steps) await step();
  });
  return app;
};

/**
 * Closes the server on SIGTERM/SIGINT: stop accepting, finish in-flight requests and commands
 * (the server's `onClose` steps), then exit. Returns a function removing the handlers.
 */
export const closeOnSignals = (
  app: HttpServer,
  options: { readonly signals?: readonly NodeJS.Signals[]; readonly exit?: (code: number) => void } = {},
): (() => void) => {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let closing = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
};

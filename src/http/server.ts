import { fastifySwagger } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ErrorDetail } from '../core/errors.js';
import { ValidationError } from '../core/errors.js';
import { pointer, textProblems } from '../shared/text.js';
import { notFoundAnswer, toErrorAnswer } from './errors.js';
import type { HttpServer, HttpServerOptions } from './types.js';

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** An empty plugin carrying a name, as fastify-plugin would mark it (skip-override + meta). */
const pluginNamed = (name: string) =>
  Object.assign((_instance: unknown, _options: unknown, done: () => void) => done(), {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('plugin-meta')]: { name },
  });

const INVALID_UTF8 = 'must be valid UTF-8';

/** Headers whose values become stored ids or metadata. */
const STORED_HEADERS = ['idempotency-key', 'x-correlation-id'] as const;

const refusal = (details: readonly ErrorDetail[]): ValidationError =>
  new ValidationError(
    `invalid text in ${[...new Set(details.map((detail) => detail.field))].join(', ')}`,
    details,
  );

/**
 * Fastify's JSON parser decodes bytes that are not UTF-8 into U+FFFD: the request would be
 * stored changed, silently. The strict, honest answer is a 400: decode fatally, then hand the
 * text to Fastify's own parser (empty bodies, syntax errors and prototype poisoning as before).
 */
const refuseInvalidUtf8 = (app: FastifyInstance): void => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = decoder.decode(body as Buffer);
    } catch {
      done(refusal([{ field: '(body)', message: INVALID_UTF8 }]), undefined);
      return;
    }
    parseJson(request, text, done);
  });
};

/** The query string must be valid percent-encoded UTF-8: the parser would turn bad bytes into U+FFFD. */
const queryEncodingProblem = (url: string): ErrorDetail | undefined => {
  const start = url.indexOf('?');
  if (start === -1) return undefined;
  try {
    decodeURIComponent(url.slice(start + 1).replaceAll('+', ' '));
    return undefined;
  } catch {
    return { field: '(query)', message: 'must be valid percent-encoded UTF-8' };
  }
};

/**
 * Every field of a request holding text no store can carry (NUL, a lone surrogate): body fields
 * as Ajv names them (`/pickupAddress`), others under their part (`(params)/id`, `(query)/wait`,
 * `(headers)/idempotency-key`).
 */
const uncarriableText = (request: FastifyRequest): ErrorDetail[] => {
  const details: ErrorDetail[] = [];
  const encoding = queryEncodingProblem(request.url);
  if (encoding) details.push(encoding);
  textProblems(request.params, '(params)', details);
  textProblems(request.query, '(query)', details);
  for (const name of STORED_HEADERS) textProblems(request.headers[name], pointer('(headers)', name), details);
  if (request.body !== undefined) {
    const body = textProblems(request.body, '');
    // A top-level string body has no field name of its own.
    for (const detail of body)
      details.push(
        detail.field === '' ? { ...detail, field: '(body)' } : { ...detail, field: `/${detail.field}` },
      );
  }
  return details;
};

/**
 * Builds a Fastify server with Eventfold's HTTP conventions: strict validation (unknown fields
 * refused, every offending field listed, no type coercion of bodies), the contract's error shape
 * for every failure including unknown routes, text no store can carry (NUL, lone surrogates,
 * invalid UTF-8) refused with a 400 naming each field before any handler runs, structured logs (a pino logger, silent without one), OpenAPI at `/docs` and
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

  refuseInvalidUtf8(app);
  // Global, so every route of every app gets it, and before schema validation and the handler:
  // nothing with text a store cannot carry reaches a command log or an event store.
  app.addHook('preValidation', (request, _reply, done) => {
    const details = uncarriableText(request);
    done(details.length === 0 ? undefined : refusal(details));
  });

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

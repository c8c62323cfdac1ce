import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { CommandDefinition } from '../commands/types.js';
import type { EventMetadata, Message } from '../core/envelope.js';
import type { ErrorDetail } from '../core/errors.js';
import type { JsonObject } from '../core/json.js';
import type { CommandRecord, EnqueueOptions } from '../queue/types.js';

/** The Fastify instance `createHttpServer` returns: TypeBox type provider, Eventfold error shape. */
export type HttpServer = FastifyInstance<
  RawServerDefault,
  import('node:http').IncomingMessage,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Options of `createHttpServer`. */
export interface HttpServerOptions {
  /** Structured logger: a pino logger, or any logger Fastify accepts. Silent without one. */
  readonly logger?: FastifyBaseLogger;
  /** Largest accepted request body in bytes; larger bodies get `400 BODY_TOO_LARGE`. Default 1 MiB. */
  readonly bodyLimit?: number;
  /** OpenAPI document info, served at `/docs` (UI) and `/docs/json`. */
  readonly openapi?: { readonly title?: string; readonly version?: string; readonly description?: string };
  /** `GET /health` answers 200 only while this returns true (e.g. once workers run). Default: always. */
  readonly ready?: () => boolean;
  /**
   * Run in order by `app.close()` after the server stopped accepting requests and in-flight requests
   * ended: typically `queue.stop` (finishes commands in flight) then `store.close`.
   */
  readonly onClose?: readonly (() => Promise<void>)[];
  /** Serve the OpenAPI UI at `/docs`. Default true. */
  readonly docs?: boolean;
}

/** The body of every error answer: `{ error: { code, message, details } }`. */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details: readonly ErrorDetail[];
  };
}

/** What a command route handler sees of the request. */
export interface CommandRequest<P extends TSchema, B extends TSchema> {
  readonly params: Static<P>;
  readonly body: Static<B>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Queue fields a route may set per request: a command id of its choosing, metadata for the events. */
export interface EnqueueFields {
  readonly commandId?: string;
  readonly metadata?: EventMetadata;
}

/** Options of `commandRoute`. */
export interface CommandRouteOptions<C extends Message, P extends TSchema, B extends TSchema> {
  /** The command's definition (`defineCommand`): the route enqueues commands of its `type`. */
  readonly command: CommandDefinition<C, Message, unknown>;
  /** Defaults to `POST`. */
  readonly method?: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path, e.g. `/shipments/:shipmentId/assign`. */
  readonly url: string;
  /** Path parameters schema (`Type.Object({...})`). */
  readonly params?: P;
  /** Body schema; objects should set `additionalProperties: false` so unknown fields are refused. */
  readonly body: B;
  /** Builds the command's data from the validated request; the type comes from `command`. */
  readonly toCommand: (request: CommandRequest<P, B>) => C['data'];
  /** Per-request queue fields (a command id, event metadata). */
  readonly enqueueFields?: (request: CommandRequest<P, B>) => EnqueueFields;
  /**
   * Extra fields of the 202/200 answer, computed from the stored record so an idempotent repeat
   * answers the same (e.g. `{ shipmentId: record.data.shipmentId }`).
   */
  readonly response?: (record: CommandRecord) => JsonObject;
  /** OpenAPI summary and tags. */
  readonly summary?: string;
  readonly tags?: readonly string[];
  /** How long `?wait=true` waits for the outcome. Default 5000 ms. */
  readonly waitTimeoutMs?: number;
  /** Options passed on to `queue.enqueue` (e.g. `preCheck: false`). */
  readonly enqueue?: Pick<EnqueueOptions, 'preCheck'>;
}

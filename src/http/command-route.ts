import { createHash, hash } from 'node:crypto';
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { Message } from '../core/envelope.js';
import type { JsonObject, JsonValue } from '../core/json.js';
import type { CommandQueue, CommandRecord, EnqueueOptions } from '../queue/types.js';
import { POSITION_HEADER } from './read-your-writes.js';
import type { CommandRouteOptions, HttpServer } from './types.js';

const DEFAULT_WAIT_MS = 5000;

/** Path of a command's status resource, sent as `Location`. */
export const commandLocation = (commandId: string): string => `/commands/${encodeURIComponent(commandId)}`;

/**
 * JSON with object keys sorted, so two equal bodies hash the same whatever their key order.
 * Built by appending to one string (it runs on every command request): `sort()` orders keys by
 * UTF-16 code units, as `<` does; `undefined` members are left out, as `JSON.stringify` does.
 */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1)
      out += (index === 0 ? '' : ',') + canonicalJson(value[index]);
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    let out = '{';
    for (const key of keys) {
      const item = record[key];
      if (item === undefined) continue;
      out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(item)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

/**
 * Fingerprint of a request for Idempotency-Key checks: method, path and body. It deliberately
 * excludes what the server generates (ids in the command), so a retried request matches.
 */
const requestFingerprint = (method: string, path: string, body: unknown): string =>
  sha256(`${method} ${path}\n${canonicalJson(body)}`);

/** One-shot hashing (Node ≥ 20.12) skips the Hash object a streaming hash allocates per request. */
const sha256 = (text: string): string =>
  typeof hash === 'function'
    ? hash('sha256', text, 'base64url')
    : createHash('sha256').update(text).digest('base64url');

/**
 * Unknown fields must be refused even when a schema forgets to say so: object schemas that leave
 * `additionalProperties` unset get `false`, nested ones included. An explicit choice is kept.
 */
const strictSchema = <T extends TSchema>(schema: T): T => {
  const node = schema as TSchema & {
    type?: unknown;
    properties?: Record<string, TSchema>;
    items?: TSchema;
    additionalProperties?: unknown;
  };
  const copy: Record<string | symbol, unknown> = { ...node };
  if (node.properties)
    copy.properties = Object.fromEntries(
      Object.entries(node.properties).map(([key, value]) => [key, strictSchema(value)]),
    );
  if (node.items && typeof node.items === 'object' && !Array.isArray(node.items))
    copy.items = strictSchema(node.items);
  for (const combinator of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = (node as Record<string, unknown>)[combinator];
    if (Array.isArray(list)) copy[combinator] = list.map((item: TSchema) => strictSchema(item));
  }
  if (node.type === 'object' && node.additionalProperties === undefined) copy.additionalProperties = false;
  return copy as T;
};

const NO_EXTRA: JsonObject = {};

/** The JSON answer describing a command's state: what 202/200/409 and the status route send. */
export const commandView = (record: CommandRecord, extra: JsonObject = NO_EXTRA): JsonObject => {
  // Filled by assignment, not `{ ...extra, … }`: same keys in the same order, and V8 builds it
  // many times faster on this per-request path.
  const view: Record<string, JsonValue> = {};
  for (const key of Object.keys(extra)) view[key] = extra[key] as JsonValue;
  view.commandId = record.commandId;
  view.status = record.status;
  view.type = record.type;
  view.acceptedAt = record.acceptedAt;
  if (record.processedAt !== null) view.processedAt = record.processedAt;
  if (record.result !== null) view.result = record.result;
  if (record.error !== null)
    view.error = {
      code: record.error.code,
      message: record.error.message,
      details: record.error.details.map((detail) => ({ field: detail.field, message: detail.message })),
    };
  return view;
};

const STATUS_OF = { accepted: 202, succeeded: 200, rejected: 409, failed: 500 } as const;

/**
 * `Eventfold-Position` on the answer for a command that succeeded: the global position its events
 * reached, which the client may send back on a read (`readYourWrites`) to see them on any node.
 */
export const setPositionHeader = (reply: FastifyReply, record: CommandRecord): void => {
  const position = record.status === 'succeeded' ? record.result?.position : undefined;
  if (typeof position === 'number') void reply.header(POSITION_HEADER, String(position));
};

const send = (reply: FastifyReply, record: CommandRecord, extra: JsonObject, waited: boolean) => {
  void reply.header('location', commandLocation(record.commandId));
  setPositionHeader(reply, record);
  // Without `?wait=true` the answer is always 202, also for an idempotent repeat of a command
  // that has finished since: the client asked for "accepted", the status says how it ended.
  const status = waited ? STATUS_OF[record.status] : 202;
  return reply.status(status).send(commandView(record, extra));
};

const commandAnswerSchema = Type.Object(
  {
    commandId: Type.String(),
    status: Type.Union([
      Type.Literal('accepted'),
      Type.Literal('succeeded'),
      Type.Literal('rejected'),
      Type.Literal('failed'),
    ]),
  },
  { additionalProperties: true },
);

const waitQuery = Type.Object(
  { wait: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) },
  { additionalProperties: true },
);

const idempotencyHeaders = Type.Object(
  { 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: true },
);

/**
 * Registers a command endpoint for one command definition: validates params and body (unknown
 * fields refused), builds the command (`{ type: command.type, data: toCommand(request) }`), runs
 * the definition's pre-check, durably enqueues it under the `Idempotency-Key` header
 * and answers `202 { commandId, status: "accepted", …response(record) }` with
 * `Location: /commands/{id}`. With `?wait=true` it waits up to `waitTimeoutMs` and answers
 * `200` (succeeded), `409` (rejected, with `error`), `500` (failed) or still `202`.
 */
export const commandRoute = <C extends Message, B extends TSchema, P extends TSchema = TObject>(
  app: HttpServer,
  queue: CommandQueue,
  options: CommandRouteOptions<C, P, B>,
): void => {
  const method = options.method ?? 'POST';
  const type = options.command.type;
  const body = strictSchema(options.body);
  const waitMs = options.waitTimeoutMs ?? DEFAULT_WAIT_MS;
  const skipPreCheck = options.enqueue?.preCheck === false;
  app.route({
    method,
    url: options.url,
    schema: {
      ...(options.params ? { params: options.params } : {}),
      body,
      querystring: waitQuery,
      headers: idempotencyHeaders,
      ...(options.summary ? { summary: options.summary } : {}),
      ...(options.tags ? { tags: [...options.tags] } : {}),
      // 409/500 answers are not declared: they share the status with error answers (pre-check
      // refusals), which a response schema would mangle.
      response: { 200: commandAnswerSchema, 202: commandAnswerSchema },
    },
    // A command without fields may be sent without a body: validate it as `{}` so a missing body
    // reports the missing fields rather than "body must be object".
    // A callback hook, not an async one: no promise per request for a one-line check.
    preValidation: (request, _reply, done) => {
      if (request.body === undefined || request.body === null) request.body = {};
      done();
    },
    handler: async (request, reply) => {
      const params = request.params as Static<P>;
      const body = request.body as Static<B>;
      const fields = { params, body, headers: request.headers };
      const command: Message = { type, data: options.toCommand(fields) };
      const { commandId, metadata: given } = options.enqueueFields?.(fields) ?? {};
      // A caller's correlation id follows the command onto its events; otherwise the command id.
      const correlationId = request.headers['x-correlation-id'];
      const metadata =
        typeof correlationId === 'string' && correlationId.length > 0 && correlationId.length <= 200
          ? { correlationId, ...given }
          : given;
      const idempotencyKey = request.headers['idempotency-key'];
      const query = request.url.indexOf('?');
      const path = query === -1 ? request.url : request.url.slice(0, query);
      const enqueueOptions: { -readonly [K in keyof EnqueueOptions]: EnqueueOptions[K] } = {
        fingerprint: requestFingerprint(method, path, body),
      };
      if (commandId) enqueueOptions.commandId = commandId;
      if (metadata) enqueueOptions.metadata = metadata;
      if (typeof idempotencyKey === 'string') enqueueOptions.idempotencyKey = idempotencyKey;
      if (skipPreCheck) enqueueOptions.preCheck = false;
      const { record } = await queue.enqueue(command, enqueueOptions);
      const wait = (request.query as { wait?: string }).wait === 'true';
      const current = wait ? ((await queue.waitFor(record.commandId, waitMs)) ?? record) : record;
      const extra = options.response ? options.response(current) : {};
      return send(reply, current, extra, wait);
    },
  });
};

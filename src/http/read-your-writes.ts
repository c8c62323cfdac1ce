import type { FastifyRequest } from 'fastify';
import type { EventStore } from '../core/store.js';
import type { ProjectionHandle } from '../projections/types.js';
import type { CommandQueue, CommandRecord } from '../queue/types.js';

/** Request header naming a global position the client has seen (from a command's `Eventfold-Position`). */
export const POSITION_HEADER = 'eventfold-position';
/** Request header naming commands (ids, comma-separated) whose effects the client expects to see. */
export const AFTER_COMMANDS_HEADER = 'eventfold-after-commands';

/** Longest a read waits for earlier writes before it answers with what it has. */
export const DEFAULT_READ_WAIT_MS = 2_000;
/** Command ids a client may name in one request; more is a client bug, not a reason to wait longer. */
const MAX_COMMANDS_PER_READ = 32;

/** What a read waits for, as the client stated it. */
export interface ReadToken {
  readonly position: number;
  readonly commandIds: readonly string[];
}

/** Options of `readYourWrites`. */
export interface ReadYourWritesOptions {
  readonly queue: Pick<CommandQueue, 'waitFor' | 'settled' | 'drained'>;
  readonly store: Pick<EventStore, 'headPosition'>;
  /** Upper bound of every wait; default 2 s. A read never hangs: after it, it answers with what it has. */
  readonly waitMs?: number;
}

/**
 * Read-your-writes for HTTP reads of projections. A read first waits for the writes it depends on,
 * through the queue's own completion signal (no polling of the command log):
 * - the commands and the position the client names (`Eventfold-After-Commands`, `Eventfold-Position`);
 * - for a read of one entity, every command still queued for that entity's key;
 * - for a list read, every command this process accepted before the read began.
 * Then it waits for each projection to reflect the log as it stood once those writes had landed.
 * Every wait is bounded by `waitMs` in total.
 */
export interface ReadYourWrites {
  /**
   * Before reading one entity whose commands are ordered under `partitionKey`. `options.upstream`
   * names listeners that may still enqueue commands for that key (a reactor turning a delivery into
   * a charge): they catch up first, then the key's commands settle, then `projections` — one budget.
   */
  readonly beforeKeyRead: (
    request: FastifyRequest,
    partitionKey: string,
    projections: readonly ProjectionHandle[],
    options?: { readonly upstream?: readonly ProjectionHandle[] },
  ) => Promise<void>;
  /** Before a list (or any read not tied to one key). */
  readonly beforeListRead: (
    request: FastifyRequest,
    projections: readonly ProjectionHandle[],
  ) => Promise<void>;
}

const headerValue = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/**
 * The client's token. Malformed values are ignored rather than refused: they only ever make a read
 * wait less, never return wrong data, and a read must not fail on a stale client cookie or header.
 */
export const readTokenOf = (request: FastifyRequest): ReadToken => {
  const rawPosition = headerValue(request, POSITION_HEADER)?.trim();
  const position = rawPosition && /^\d{1,15}$/.test(rawPosition) ? Number(rawPosition) : 0;
  const commandIds = (headerValue(request, AFTER_COMMANDS_HEADER) ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0 && id.length <= 200)
    .slice(0, MAX_COMMANDS_PER_READ);
  return { position, commandIds };
};

/** The global position a finished command's events reached (its result's `position`), else 0. */
const positionOf = (record: CommandRecord | undefined): number => {
  const position = record?.result?.position;
  return typeof position === 'number' && Number.isSafeInteger(position) ? position : 0;
};

export const readYourWrites = (options: ReadYourWritesOptions): ReadYourWrites => {
  const { queue, store } = options;
  const waitMs = options.waitMs ?? DEFAULT_READ_WAIT_MS;

  const named = async (token: ReadToken, deadline: number): Promise<number> => {
    const records = await Promise.all(
      token.commandIds.map((id) => queue.waitFor(id, Math.max(0, deadline - Date.now()))),
    );
    return Math.max(token.position, ...records.map(positionOf));
  };

  const catchUp = async (
    projections: readonly ProjectionHandle[],
    position: number,
    deadline: number,
  ): Promise<void> => {
    // The head once the writes have landed: everything committed before, by any node, is included.
    const target = Math.max(position, await store.headPosition());
    await Promise.all(
      projections.map((projection) => projection.waitForPosition(target, Math.max(0, deadline - Date.now()))),
    );
  };

  return {
    beforeKeyRead: async (request, partitionKey, projections, options) => {
      const deadline = Date.now() + waitMs;
      const upstream = options?.upstream ?? [];
      if (upstream.length > 0) await catchUp(upstream, 0, deadline);
      const [position] = await Promise.all([
        named(readTokenOf(request), deadline),
        queue.settled(partitionKey, Math.max(0, deadline - Date.now())),
      ]);
      await catchUp(projections, position, deadline);
    },
    beforeListRead: async (request, projections) => {
      const deadline = Date.now() + waitMs;
      const [position] = await Promise.all([named(readTokenOf(request), deadline), queue.drained(waitMs)]);
      await catchUp(projections, position, deadline);
    },
  };
};

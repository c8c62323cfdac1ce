import { Type } from '@sinclair/typebox';
import type { CommandQueue } from '../queue/types.js';
import { commandView, setPositionHeader } from './command-route.js';
import { notFoundAnswer } from './errors.js';
import type { HttpServer } from './types.js';

const params = Type.Object({ commandId: Type.String({ minLength: 1, maxLength: 200 }) });

/**
 * Registers `GET /commands/:commandId` → `{ commandId, status, type, acceptedAt, processedAt?,
 * result?, error? }`, or 404 in the contract's error shape for an unknown id.
 */
export const commandStatusRoute = (app: HttpServer, queue: CommandQueue): void => {
  app.get(
    '/commands/:commandId',
    { schema: { params, summary: 'Status of a queued command', tags: ['commands'] } },
    async (request, reply) => {
      const record = await queue.status(request.params.commandId);
      if (!record) {
        const { status, body } = notFoundAnswer(`command ${request.params.commandId}`);
        return reply.status(status).send(body);
      }
      setPositionHeader(reply, record);
      return commandView(record);
    },
  );
};

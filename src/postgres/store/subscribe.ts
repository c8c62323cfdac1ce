import pg from 'pg';
import type { Logger } from '../../core/logger.js';
import { quoteIdent } from '../sql.js';

/** The dedicated LISTEN connection of one store. */
export interface NotificationListener {
  /** Connects and LISTENs if not already; never throws (polling covers the time without it). */
  readonly start: () => Promise<void>;
  readonly stop: () => Promise<void>;
}

/**
 * Wakes the store's subscriptions when any node commits an append on this schema (`append_batch`
 * sends a NOTIFY at commit); the command log uses one for its own channel. A pooled connection cannot LISTEN reliably (it is handed to others
 * between queries), so this is a connection of its own. When it drops, subscriptions keep working on
 * the poll interval while it reconnects every `retryMs`.
 */
export const createNotificationListener = (deps: {
  readonly clientConfig: pg.ClientConfig;
  readonly channel: string;
  /** Called on each notification, and once after (re)connecting: changes made meanwhile were never announced. */
  readonly notify: (payload: string | undefined) => void;
  readonly retryMs: number;
  readonly logger?: Logger;
}): NotificationListener => {
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let stopped = false;

  const scheduleRetry = (): void => {
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, deps.retryMs);
    retry.unref();
  };

  const connect = (): Promise<void> => {
    connecting ??= (async () => {
      const candidate = new pg.Client(deps.clientConfig);
      candidate.on('notification', (message) => deps.notify(message.payload));
      candidate.on('error', (error) => {
        deps.logger?.warn(
          { err: error, channel: deps.channel },
          'eventfold: LISTEN connection lost; polling',
        );
        if (client === candidate) client = undefined;
        candidate.end().catch(() => undefined);
        scheduleRetry();
      });
      try {
        await candidate.connect();
        await candidate.query(`listen ${quoteIdent(deps.channel)}`);
        if (stopped) {
          await candidate.end();
          return;
        }
        client = candidate;
        deps.notify(undefined);
      } catch (error) {
        deps.logger?.warn({ err: error, channel: deps.channel }, 'eventfold: cannot LISTEN; polling');
        candidate.end().catch(() => undefined);
        scheduleRetry();
      }
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    start: async () => {
      if (stopped || client) return;
      await connect();
    },
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await connecting;
      const current = client;
      client = undefined;
      await current?.end().catch(() => undefined);
    },
  };
};

import { Type } from '@sinclair/typebox';
import type { ProjectionHandle } from 'eventfold';
import { IdString } from '../../shared/http.js';
import { notFound, type ReadRouteDeps } from '../../shared/read-routes.js';
import { accountStreamId } from '../events.js';
import { getAccount } from './queries.js';

const AccountParams = Type.Object({ customerId: IdString }, { additionalProperties: false });

/**
 * `GET /accounts/:customerId`. Charges are issued by the delivery listener through the queue, so
 * besides the account's own queued commands the read waits for the listener to have seen every
 * committed delivery.
 */
export const accountsRoutes = (deps: ReadRouteDeps & { readonly chargeListener: ProjectionHandle }): void => {
  const { app, db, projection, consistency, chargeListener } = deps;
  app.get(
    '/accounts/:customerId',
    { schema: { params: AccountParams, summary: "A customer's account", tags: ['accounting'] } },
    async (request, reply) => {
      const { customerId } = request.params;
      // The listener may still have to enqueue this account's charge: it catches up first.
      await consistency.beforeKeyRead(request, accountStreamId(customerId), [projection], {
        upstream: [chargeListener],
      });
      const account = await getAccount(db, customerId);
      if (!account) return notFound(reply, `account ${customerId}`);
      return account;
    },
  );
};

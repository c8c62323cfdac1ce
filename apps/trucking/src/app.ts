import {
  type CommandQueue,
  createCommandQueue,
  type ProjectionHandle,
  startProjection,
  timeOrderedId,
} from 'eventfold';
import { commandStatusRoute, createHttpServer, type HttpServer, readYourWrites } from 'eventfold/http';
import { type Logger, pino } from 'pino';
import { accountsRoutes } from './accounting/accounts-view/route.js';
import { chargeCustomer } from './accounting/charge-customer.js';
import { chargeOnDelivery } from './accounting/charge-on-delivery.js';
import { recordPayment, recordPaymentRoute } from './accounting/record-payment.js';
import type { TruckingBackend } from './backend.js';
import { trucksRoutes } from './dispatch/trucks-view/route.js';
import type { RouteDeps } from './shared/http.js';
import { projectionsRoute } from './shared/ops-routes.js';
import { assignTruck, assignTruckRoute } from './shipments/assign-truck.js';
import { deliverShipment, deliverShipmentRoute } from './shipments/deliver-shipment.js';
import { shipShipment, shipShipmentRoute } from './shipments/ship-shipment.js';
import { shipmentEventsRoute } from './shipments/shipment-events.js';
import { shipmentsRoutes } from './shipments/shipments-view/route.js';
import { submitShipment, submitShipmentRoute } from './shipments/submit-shipment.js';

const DEFAULT_CONCURRENCY = 32;

/** Options of `createTruckingApp`. */
export interface TruckingAppOptions {
  readonly backend: TruckingBackend;
  readonly logger?: Logger;
  /** Stamps accepted commands; defaults to the system clock. */
  readonly clock?: () => Date;
  /**
   * Generates shipment ids; defaults to time-ordered UUIDs (v7), which keep the shipment-keyed
   * indexes (streams, command keys, read models) appending instead of writing random pages.
   */
  readonly newId?: () => string;
  /**
   * Commands processed in parallel (different shipments/accounts). Default 32: more commands in
   * flight means more outcomes share one group-committed fsync.
   */
  readonly concurrency?: number;
  /** Longest a read waits for earlier writes to show (read-your-writes). Default 2000 ms. */
  readonly readWaitMs?: number;
  /** Largest request body in bytes. Default 64 KiB. */
  readonly bodyLimit?: number;
}

/** The running Great Plains Trucking system. */
export interface TruckingApp {
  /** Fastify server with every route; `server.close()` shuts everything down in order. */
  readonly server: HttpServer;
  readonly queue: CommandQueue;
  readonly projections: {
    readonly shipments: ProjectionHandle;
    readonly trucks: ProjectionHandle;
    readonly accounts: ProjectionHandle;
    readonly chargeOnDelivery: ProjectionHandle;
  };
}

/**
 * Composition root: wires the backend, the command queue with every command, the projections,
 * the delivery→charge listener and the HTTP routes, then starts the workers (which first finish
 * commands accepted before a restart). `server.close()` stops the listener, finishes in-flight
 * commands, stops projections and closes the store, in that order.
 *
 * @example
 * const { server } = await createTruckingApp({ backend: openBackend({ dataDir: './data' }) });
 * await server.listen({ port: 3000 });
 */
export const createTruckingApp = async (options: TruckingAppOptions): Promise<TruckingApp> => {
  const { backend } = options;
  const { store, commandLog, readModels: db } = backend;
  const logger = options.logger ?? pino({ level: 'silent' });
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? timeOrderedId;

  const queue = createCommandQueue({
    store,
    log: commandLog,
    commands: [submitShipment, assignTruck, shipShipment, deliverShipment, chargeCustomer, recordPayment],
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    logger: logger.child({ component: 'command-queue' }),
  });

  const readModels = backend.startProjections(logger);
  const projections = {
    ...readModels,
    chargeOnDelivery: (backend.startListener ?? startProjection)({
      store,
      projector: chargeOnDelivery(queue),
      target: backend.listenerTarget,
      logger: logger,
    }),
  };

  let accepting = false;
  const server = createHttpServer({
    logger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    openapi: {
      title: 'Great Plains Trucking',
      version: '1.0.0',
      description: 'Shipments, dispatch and accounting on Eventfold: every step is an event.',
    },
    ready: () => accepting,
    onClose: [
      // The listener first, so it enqueues nothing into a stopping queue; the queue then finishes
      // the commands in flight, projections commit their last batch, and only then the store closes.
      async () => {
        accepting = false;
        await projections.chargeOnDelivery.stop();
      },
      () => queue.stop(),
      async () => {
        await Promise.all([
          projections.shipments.stop(),
          projections.trucks.stop(),
          projections.accounts.stop(),
        ]);
      },
      () => backend.close(),
    ],
  });

  // Let the OpenAPI plugin load first: it documents only routes added after its onRoute hook exists.
  await server.after();
  const routeDeps: RouteDeps = { app: server, queue, clock, newId };
  submitShipmentRoute(routeDeps);
  assignTruckRoute(routeDeps);
  shipShipmentRoute(routeDeps);
  deliverShipmentRoute(routeDeps);
  recordPaymentRoute(routeDeps);
  commandStatusRoute(server, queue);
  projectionsRoute(server, Object.values(projections));

  const consistency = readYourWrites({
    queue,
    store,
    ...(options.readWaitMs ? { waitMs: options.readWaitMs } : {}),
  });
  shipmentsRoutes({ app: server, db, projection: projections.shipments, consistency });
  shipmentEventsRoute({ app: server, store, consistency });
  trucksRoutes({ app: server, db, projection: projections.trucks, consistency });
  accountsRoutes({
    app: server,
    db,
    projection: projections.accounts,
    consistency,
    chargeListener: projections.chargeOnDelivery,
  });

  // Workers start with the commands accepted before a restart, then follow new ones.
  await queue.start();
  accepting = true;
  return { server, queue, projections };
};

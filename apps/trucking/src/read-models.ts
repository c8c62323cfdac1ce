import {
  type EventStore,
  type Message,
  type ProjectionHandle,
  type ProjectionOptions,
  rebuildProjection,
  type SqlProjectionContext,
  type SqlTarget,
} from 'eventfold';
import type { Logger } from 'pino';
import { accountsProjector } from './accounting/accounts-view/projector.js';
import { trucksProjector } from './dispatch/trucks-view/projector.js';
import { shipmentsProjector } from './shipments/shipments-view/projector.js';

/** The running read-model projections, for read-your-writes waits and lag. */
export interface TruckingProjections {
  readonly shipments: ProjectionHandle;
  readonly trucks: ProjectionHandle;
  readonly accounts: ProjectionHandle;
}

/** How a backend runs one projection: `startProjection`, or one node at a time on PostgreSQL. */
export type StartReadModel = <E extends Message>(
  options: ProjectionOptions<SqlProjectionContext, E>,
) => ProjectionHandle;

/** What the read models need from a backend: the log, the database they live in, how to start one. */
export interface ReadModelsDeps {
  readonly store: EventStore;
  readonly target: SqlTarget;
  readonly start: StartReadModel;
}

/**
 * Starts the three read models, each committing its batch and checkpoint together. They are
 * written once: the same projectors run on SQLite and PostgreSQL.
 */
export const startReadModels = (deps: ReadModelsDeps, logger: Logger): TruckingProjections => {
  const { store, target, start } = deps;
  return {
    shipments: start({ store, projector: shipmentsProjector, target, logger }),
    trucks: start({ store, projector: trucksProjector, target, logger }),
    accounts: start({ store, projector: accountsProjector, target, logger }),
  };
};

/** Drops every read model and replays it from the events (run with the projections stopped). */
export const rebuildReadModels = async (
  deps: Pick<ReadModelsDeps, 'store' | 'target'>,
  logger: Logger,
): Promise<void> => {
  const { store, target } = deps;
  await rebuildProjection({ store, projector: shipmentsProjector, target, logger });
  await rebuildProjection({ store, projector: trucksProjector, target, logger });
  await rebuildProjection({ store, projector: accountsProjector, target, logger });
};

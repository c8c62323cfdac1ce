import type { ProjectionHandle } from 'eventfold';
import type { AccountView } from './accounting/accounts-view.js';
import type { TruckView } from './dispatch/trucks-view.js';
import type { ShipmentFilter, ShipmentView } from './shipments/shipments-view.js';

/**
 * The read side as the routes see it, whatever the storage: one query per read model. The SQLite
 * backend answers from tables in the store's file; another backend implements the same four.
 */
export interface TruckingReadModels {
  readonly getShipment: (shipmentId: string) => Promise<ShipmentView | undefined>;
  readonly listShipments: (filter: ShipmentFilter) => Promise<readonly ShipmentView[]>;
  readonly listTrucks: () => Promise<readonly TruckView[]>;
  readonly getAccount: (accountId: string) => Promise<AccountView | undefined>;
}

/** The running read-model projections, for read-your-writes waits and lag. */
export interface TruckingProjections {
  readonly shipments: ProjectionHandle;
  readonly trucks: ProjectionHandle;
  readonly accounts: ProjectionHandle;
}

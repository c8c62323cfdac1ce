import { randomUUID } from 'node:crypto';

/** Options every backend accepts. */
export interface StoreOptions {
  /** Stamps `time` on events that arrive without one. Defaults to the system clock. */
  readonly clock?: () => Date;
  /** CloudEvents `source` for events that arrive without one. Defaults to `eventfold`. */
  readonly source?: string;
  /** Generates ids for events that arrive without one. Defaults to random UUIDs. */
  readonly newId?: () => string;
}

export interface ResolvedStoreOptions {
  readonly clock: () => Date;
  readonly source: string;
  readonly newId: () => string;
}

export const resolveStoreOptions = (options: StoreOptions = {}): ResolvedStoreOptions => ({
  clock: options.clock ?? (() => new Date()),
  source: options.source ?? 'eventfold',
  newId: options.newId ?? randomUUID,
});

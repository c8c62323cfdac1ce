/** The types and the sample command shared by the command log contract. */
import type { Message } from '../../../core/envelope.js';
import type { EventStore } from '../../../core/store.js';
import type { CommandLog } from '../../../queue/types.js';

/** The contract's sample command: add `amount` to counter `counterId`. */
export type AddCommand = Message<'Add', { counterId: string; amount: number }>;

export const add = (counterId: string, amount: number): AddCommand => ({
  type: 'Add',
  data: { counterId, amount },
});

/** The stream the contract's outcomes append `Added` events to. */
export const counterStream = (counterId: string): string => `counter-${counterId}`;

/** One test's command log and the store it commits outcomes to, on data of its own. */
export interface CommandLogContractHandle {
  readonly store: EventStore;
  readonly log: CommandLog;
  /**
   * Closes the log and the store and opens both again on the same data, as after a restart. A
   * non-durable backend returns the same handle.
   */
  readonly reopen: () => Promise<CommandLogContractHandle>;
  /** Closes what the handle opened and deletes its data. */
  readonly dispose: () => Promise<void>;
}

/** A command log backend under test: its name and a factory of fresh logs. */
export interface CommandLogContractBackend {
  /** Shown in the suite's name: `command log contract: <name>`. */
  readonly name: string;
  /** A fresh, empty store and command log owned by one test. */
  readonly create: () => Promise<CommandLogContractHandle>;
}

// Eventfold in one page: a decider, the SQLite store, the command handler and a projection.
import {
  createMemoryTarget,
  type Decider,
  defineCommand,
  handle,
  isRejectedError,
  type MemoryProjectionContext,
  type Message,
  type Projector,
  reject,
  startProjection,
} from 'eventfold';
import { createSqliteStore } from 'eventfold/sqlite';

type Command = Message<'Deposit' | 'Withdraw', { account: string; amount: number }>;
type Event = Message<'Deposited' | 'Withdrawn', { account: string; amount: number }>;
const sign = (type: string) => (type === 'Deposited' ? 1 : -1);

const account: Decider<Command, Event, number> = {
  initialState: () => 0,
  evolve: (balance, event) => balance + sign(event.type) * event.data.amount,
  decide: (command, balance) =>
    command.type === 'Withdraw' && command.data.amount > balance
      ? reject('INSUFFICIENT_FUNDS', `balance is only ${balance}`)
      : [{ type: command.type === 'Deposit' ? 'Deposited' : 'Withdrawn', data: command.data }],
};
// One definition per command type; both are decided by the account's decider.
const streamId = (command: Command) => `account-${command.data.account}`;
const deposit = defineCommand({ type: 'Deposit', decider: account, streamId });
const withdraw = defineCommand({ type: 'Withdraw', decider: account, streamId });

const store = createSqliteStore({ path: 'quick-start.sqlite' }); // a file: run it twice, events persist
const balances = createMemoryTarget((): Record<string, number> => ({}));
// A projector names the events it handles and receives them typed.
const balancesView: Projector<MemoryProjectionContext<Record<string, number>>, Event> = {
  name: 'balances',
  types: ['Deposited', 'Withdrawn'],
  apply: ({ state }, events) => {
    for (const { type, data } of events)
      state[data.account] = (state[data.account] ?? 0) + sign(type) * data.amount;
  },
  reset: (ctx) => {
    ctx.state = {};
  },
};
const projection = startProjection({ store, target: balances, projector: balancesView });

const deposited = await handle(store, deposit, { type: 'Deposit', data: { account: 'alice', amount: 100 } });
console.log(`alice's balance: ${deposited.state}`);
try {
  await handle(store, withdraw, { type: 'Withdraw', data: { account: 'alice', amount: 1e6 } });
} catch (error) {
  if (!isRejectedError(error)) throw error; // a refusal is a typed error carrying the decider's reason
  console.log(`withdrawal refused: ${error.reason} (${error.message})`);
}
await projection.waitForPosition(deposited.position); // read-your-writes
console.log('balances projection:', balances.read());
await projection.stop();
await store.close();

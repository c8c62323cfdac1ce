// Example deciders shared by the command and projection tests (not part of the library).
import type { Decider, Message } from 'eventfold';
import { defineCommand, reject } from 'eventfold';

export type CounterCommand = Message<'Increment', { id: string; by: number }>;
export type CounterEvent = Message<'Incremented', { by: number }>;
export interface CounterState {
  readonly total: number;
  readonly increments: number;
}

/** A counter that refuses to go past 100. */
export const counter: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: () => ({ total: 0, increments: 0 }),
  evolve: (state, event) =>
    event.type === 'Incremented'
      ? { total: state.total + event.data.by, increments: state.increments + 1 }
      : state,
  decide: (command, state) => {
    if (command.data.by <= 0) return reject('NOT_POSITIVE', 'increment must be positive');
    if (state.total + command.data.by > 100) return reject('LIMIT_REACHED', `total would exceed 100`);
    return [{ type: 'Incremented', data: { by: command.data.by } }];
  },
};

export const incrementCounter = defineCommand({
  type: 'Increment',
  decider: counter,
  streamId: (command: CounterCommand) => `counter-${command.data.id}`,
});

export const increment = (id: string, by = 1): CounterCommand => ({ type: 'Increment', data: { id, by } });

export type RegisterUser = Message<'RegisterUser', { userId: string; username: string }>;
export type UserRegistered = Message<'UserRegistered', { userId: string; username: string }>;

/** DCB: usernames are unique across every user stream; the consistency boundary is the username tag. */
export const registration: Decider<RegisterUser, UserRegistered, { readonly taken: boolean }> = {
  initialState: () => ({ taken: false }),
  evolve: (state, event) => (event.type === 'UserRegistered' ? { taken: true } : state),
  decide: (command, state) =>
    state.taken
      ? reject('USERNAME_TAKEN', `username ${command.data.username} is taken`)
      : [{ type: 'UserRegistered', data: command.data, tags: [`username:${command.data.username}`] }],
};

export const registerUser = defineCommand({
  type: 'RegisterUser',
  decider: registration,
  streamId: (command: RegisterUser) => `user-${command.data.userId}`,
  query: (command: RegisterUser) => ({
    types: ['UserRegistered'],
    tags: [`username:${command.data.username}`],
  }),
});

export const register = (userId: string, username: string): RegisterUser => ({
  type: 'RegisterUser',
  data: { userId, username },
});

import { AssertionError } from 'node:assert';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  combine,
  createMemoryStore,
  defineCommand,
  handle,
  isConditionFailedError,
  isValidationError,
  type Message,
  reject,
  stateView,
} from 'eventfold';
import { deciderSpec } from 'eventfold/testing';

// A seat booking decided on two views: the seat (free or held by whom) and the guest's bookings.
type Booked = Message<'SeatBooked', { seat: string; guest: string }>;
type Released = Message<'SeatReleased', { seat: string; guest: string }>;
type SeatEvent = Booked | Released;
type Book = Message<'Book', { seat: string; guest: string }>;

const seatTag = (seat: string) => `seat:${seat}`;
const guestTag = (guest: string) => `guest:${guest}`;

const seat = stateView({
  query: (id: string) => ({ tags: [seatTag(id)] }),
  initialState: (): string | null => null,
  evolve: (holder: string | null, event: SeatEvent) => {
    if (event.type === 'SeatBooked') return event.data.guest;
    return holder === event.data.guest ? null : holder;
  },
});
const guestBookings = stateView({
  query: (guest: string) => ({ types: ['SeatBooked', 'SeatReleased'], tags: [guestTag(guest)] }),
  initialState: () => 0,
  evolve: (count: number, event: SeatEvent) => count + (event.type === 'SeatBooked' ? 1 : -1),
});

const booked = (seatId: string, guest: string) => ({
  type: 'SeatBooked' as const,
  data: { seat: seatId, guest },
  tags: [seatTag(seatId), guestTag(guest)],
});

const book = defineCommand({
  type: 'Book',
  streamId: (command: Book) => `seat-${command.data.seat}`,
  state: (command: Book) => combine(seat(command.data.seat), guestBookings(command.data.guest)),
  decide: ({ data }, [holder, count]) => {
    if (holder !== null) return reject('SEAT_TAKEN', `seat ${data.seat} is held by ${holder}`);
    if (count >= 2) return reject('TOO_MANY', `${data.guest} already holds ${count} seats`);
    return [booked(data.seat, data.guest)];
  },
});
const bookSeat = (seatId: string, guest: string): Book => ({ type: 'Book', data: { seat: seatId, guest } });

describe('state views', () => {
  it('combine their queries into the decision query and their states into a tuple', () => {
    const view = book.state(bookSeat('A1', 'ada'));
    assert.deepEqual(view.query, [
      { tags: ['seat:A1'] },
      { types: ['SeatBooked', 'SeatReleased'], tags: ['guest:ada'] },
    ]);
    assert.deepEqual(view.initialState(), [null, 0]);
  });

  it('each view folds only the events its own query selects', () => {
    const view = book.state(bookSeat('A1', 'ada'));
    // Grace booking B2 is no event of seat A1 nor of ada: neither view moves.
    const state = [booked('B2', 'grace'), booked('A1', 'bob'), booked('C3', 'ada')].reduce(
      (current, event) => view.evolve(current, event),
      view.initialState(),
    );
    assert.deepEqual(state, ['bob', 1]);
  });

  it('decide through handle: the DCB condition covers every view', async () => {
    const store = createMemoryStore();
    await handle(store, book, bookSeat('A1', 'ada'));
    await assert.rejects(handle(store, book, bookSeat('A1', 'bob')), { reason: 'SEAT_TAKEN' });
    await handle(store, book, bookSeat('A2', 'ada'));
    await assert.rejects(handle(store, book, bookSeat('A3', 'ada')), { reason: 'TOO_MANY' });
    // A racing booking of the guest on another seat lands between read and append: the condition fails.
    const racing = {
      ...store,
      readByQuery: async (...args: Parameters<typeof store.readByQuery>) => {
        const events = await store.readByQuery(...args);
        await store.append('seat-Z9', [booked('Z9', 'cy')]);
        return events;
      },
    };
    await assert.rejects(
      handle(racing, book, bookSeat('B1', 'cy'), { conflictRetries: 0 }),
      isConditionFailedError,
    );
    await store.close();
  });

  it('the decider spec of a definition folds only given events its query selects', () => {
    const spec = deciderSpec(book);
    spec
      .given([booked('A1', 'bob')])
      .when(bookSeat('A1', 'ada'))
      .thenRejects('SEAT_TAKEN');
    // The same booking stored without its seat tag is not part of seat A1's history: the seat looks
    // free, as it would to the store's query, and the expectation fails.
    const untagged = { ...booked('A1', 'bob'), tags: [guestTag('bob')] };
    assert.throws(
      () => spec.given([untagged]).when(bookSeat('A1', 'ada')).thenRejects('SEAT_TAKEN'),
      AssertionError,
    );
  });

  it('a definition refuses a command of another type, and needs a decider or views', async () => {
    const store = createMemoryStore();
    await assert.rejects(
      handle(store, book, { type: 'Cancel', data: { seat: 'A1', guest: 'ada' } } as unknown as Book),
      isValidationError,
    );
    assert.throws(
      () =>
        defineCommand({
          type: '',
          streamId: () => 's',
          decider: { initialState: () => 0, evolve: (s) => s, decide: () => [] },
        }),
      isValidationError,
    );
    await store.close();
  });
});

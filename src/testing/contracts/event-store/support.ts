/** The types and helpers shared by the parts of the event store contract. */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { NewEvent, RecordedEvent } from '../../../core/envelope.js';
import type { EventStore, SubscribeOptions } from '../../../core/store.js';
import type { StoreOptions } from '../../../shared/options.js';

/** One test's store, plus what the backend can do with the data behind it. */
export interface EventStoreContractHandle {
  readonly store: EventStore;
  /**
   * Closes the store and opens a new one on the same data. Leave it out for a non-durable
   * backend: the restart tests are then skipped.
   */
  readonly reopen?: () => Promise<EventStore>;
  /**
   * Opens a second, independent store on the same data (another connection or process view).
   * Leave it out when unsupported: the cross-instance tests are then skipped.
   */
  readonly openAnother?: () => Promise<EventStore>;
  /**
   * Closes every store opened through this handle and deletes its data. It must tolerate stores
   * the test already closed. Optional: the contract closes `store` itself after each test.
   */
  readonly dispose?: () => Promise<void>;
}

/** A backend under test: its name and a factory of fresh stores. */
export interface EventStoreContractBackend {
  /** Shown in the suite's name: `event store contract: <name>`. */
  readonly name: string;
  /**
   * A fresh, empty store owned by one test. `options` (clock, id generator…) must reach the
   * store: the contract passes a manual clock to test `maxAge` and append times.
   */
  readonly create: (options?: StoreOptions) => Promise<EventStoreContractHandle>;
}

/** Runs `work` on a fresh store and disposes of it afterwards, pass or fail. */
export const withStore = async (
  backend: EventStoreContractBackend,
  work: (handle: EventStoreContractHandle) => Promise<void>,
  options?: StoreOptions,
): Promise<void> => {
  const handle = await backend.create(options);
  try {
    await work(handle);
  } finally {
    // Closing first stops subscriptions a failed assertion left running (their poll timers would
    // keep the test process alive), also on backends whose dispose does not close the store.
    await handle.store.close().catch(() => undefined);
    await handle.dispose?.();
  }
};

/** A clock the test moves by hand, so `maxAge` and `time` are deterministic. */
export const manualClock = (start = '2026-01-01T00:00:00.000Z') => {
  let now = Date.parse(start);
  return {
    clock: (): Date => new Date(now),
    advanceSeconds: (seconds: number): void => {
      now += seconds * 1000;
    },
    iso: (): string => new Date(now).toISOString(),
  };
};

/** Deterministic ids: `prefix-1`, `prefix-2`… */
export const counterIds = (prefix: string): (() => string) => {
  let next = 0;
  return () => {
    next += 1;
    return `${prefix}-${next}`;
  };
};

/** A minimal new event. */
export const ev = (type: string, data: NewEvent['data'] = {}, extra: Partial<NewEvent> = {}): NewEvent => ({
  type,
  data,
  ...extra,
});

/** `count` events `type` with data `{ n }`, ids optional. */
export const evs = (count: number, type = 'Happened', start = 0): NewEvent[] =>
  Array.from({ length: count }, (_, index) => ev(type, { n: start + index }));

export const positions = (events: readonly RecordedEvent[]): number[] =>
  events.map((event) => event.position);
export const revisions = (events: readonly RecordedEvent[]): number[] =>
  events.map((event) => event.revision);
export const ids = (events: readonly RecordedEvent[]): string[] => events.map((event) => event.id);

/**
 * Asserts that `promise` rejects with an error the guard accepts, then runs `check` on it.
 * The promise itself must reject: a store method that throws synchronously fails here.
 */
export const rejectsWith = async <E>(
  promise: Promise<unknown>,
  guard: (error: unknown) => error is E,
  check?: (error: E) => void,
): Promise<E> => {
  let caught: unknown;
  let rejected = false;
  try {
    await promise;
  } catch (error) {
    caught = error;
    rejected = true;
  }
  assert.ok(rejected, 'expected the operation to reject');
  assert.ok(guard(caught), `unexpected error: ${String(caught)}`);
  check?.(caught);
  return caught;
};

/**
 * Waits until `predicate` holds, polling. The timeout only bounds a failing test; nothing is
 * asserted about how fast the condition comes true.
 */
export const until = async (predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

/** A promise with its resolver, to hold a handler until the test releases it. */
export const gate = (): { readonly wait: Promise<void>; readonly open: () => void } => {
  let open = (): void => undefined;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
};

/** Reads the whole global log in pages, as a subscriber would. */
export const readWholeLog = async (store: EventStore, pageSize = 500): Promise<RecordedEvent[]> => {
  const all: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after: all.at(-1)?.position ?? 0, maxCount: pageSize });
    if (page.length === 0) return all;
    all.push(...page);
  }
};

/**
 * Subscribes a witness that records everything it sees: once it has an event, the store was
 * able to deliver it, so another subscription that did not get it was held back on purpose.
 */
export const witness = (store: EventStore, after = 0) => {
  const seen: RecordedEvent[] = [];
  const subscription = store.subscribe({ after, onEvents: (events) => void seen.push(...events) });
  return { seen, subscription };
};

/** Skips the current test when the backend lacks a capability. */
export const requireCapability = <T>(t: TestContext, value: T | undefined, name: string): value is T => {
  if (value === undefined) {
    t.skip(`backend has no ${name}`);
    return false;
  }
  return true;
};

/** Strictly increasing numbers. */
export const assertIncreasing = (values: readonly number[], what: string): void => {
  for (let index = 1; index < values.length; index += 1)
    assert.ok(
      (values[index] as number) > (values[index - 1] as number),
      `${what} not strictly increasing at ${index}: ${values[index - 1]} then ${values[index]}`,
    );
};

/**
 * Five events over three streams for query tests. Returns their positions by name:
 * p1 A[x] (s1), p2 B[x,y] (s1), p3 A[y] (s2), p4 C[] (s2), p5 B[x,y,z] (s3).
 */
export const seedQueryData = async (store: EventStore) => {
  const s1 = await store.append('s1', [
    ev('A', { e: 1 }, { tags: ['x'] }),
    ev('B', { e: 2 }, { tags: ['x', 'y'] }),
  ]);
  const s2 = await store.append('s2', [ev('A', { e: 3 }, { tags: ['y'] }), ev('C', { e: 4 })]);
  const s3 = await store.append('s3', [ev('B', { e: 5 }, { tags: ['x', 'y', 'z'] })]);
  const at = (events: readonly RecordedEvent[], index: number): number =>
    (events[index] as RecordedEvent).position;
  return {
    p1: at(s1.events, 0),
    p2: at(s1.events, 1),
    p3: at(s2.events, 0),
    p4: at(s2.events, 1),
    p5: at(s3.events, 0),
  };
};

/** Awaits `promise`, failing the test if it has not settled in time (a hang is a failure, not a wait). */
export const settles = async <T>(promise: Promise<T>, what: string, timeoutMs = 30_000): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new assert.AssertionError({ message: `timed out waiting for ${what}` })),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * What a subscribe call that must fail ends with: its synchronous throw or the rejection of
 * `done`. A subscription that wrongly keeps running fails the test and is stopped.
 */
export const subscribeOutcome = async (store: EventStore, options: SubscribeOptions): Promise<void> => {
  const subscription = store.subscribe(options);
  try {
    await settles(subscription.done, 'the subscription to fail', 10_000);
  } finally {
    await subscription.stop();
  }
};

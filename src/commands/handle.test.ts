import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConcurrencyError,
  ConditionFailedError,
  createMemoryStore,
  type EventStore,
  handle,
  isRejectedError,
  prepareDecision,
  RejectedError,
} from 'eventfold';
import { increment, incrementCounter, register, registerUser } from './examples.test-support.js';

/**
 * A store whose reads are each followed by a competing write, so the caller's append always
 * conflicts: proves bounded retries without relying on scheduling luck.
 */
const withCompetingWriter = (store: EventStore, compete: () => Promise<unknown>): EventStore => ({
  ...store,
  readStream: async (...args) => {
    const events = await store.readStream(...args);
    await compete();
    return events;
  },
  readByQuery: async (...args) => {
    const events = await store.readByQuery(...args);
    await compete();
    return events;
  },
});

describe('handle (direct command path)', () => {
  it('loads, decides and appends with metadata from the command context', async () => {
    const store = createMemoryStore();
    await handle(store, incrementCounter, increment('a', 2));
    const result = await handle(store, incrementCounter, increment('a', 3), {
      commandId: 'cmd-2',
      actor: 'alice',
    });
    assert.deepEqual(result.state, { total: 5, increments: 2 });
    assert.equal(result.nextExpectedRevision, 1);
    assert.equal(result.position, 2);
    assert.equal(result.attempts, 1);
    assert.deepEqual(result.events[0]?.metadata, {
      commandId: 'cmd-2',
      correlationId: 'cmd-2',
      causationId: 'cmd-2',
      actor: 'alice',
    });
  });

  it('throws a typed RejectedError carrying the reason and appends nothing', async () => {
    const store = createMemoryStore();
    await handle(store, incrementCounter, increment('a', 100));
    await assert.rejects(handle(store, incrementCounter, increment('a', 1)), (error: unknown) => {
      assert.ok(isRejectedError(error));
      assert.ok(error instanceof RejectedError);
      assert.equal(error.reason, 'LIMIT_REACHED');
      return true;
    });
    assert.equal(await store.headPosition(), 1);
  });

  it('retries on conflict: racing handles on one stream all succeed, none lost', async () => {
    const store = createMemoryStore();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        handle(store, incrementCounter, increment('race'), { conflictRetries: 10 }),
      ),
    );
    const events = await store.readStream('counter-race');
    assert.equal(events.length, 8);
    assert.ok(
      results.some((result) => result.attempts > 1),
      'at least one handle must have hit a conflict and retried',
    );
    const final = results.find((result) => result.nextExpectedRevision === 7);
    assert.deepEqual(final?.state, { total: 8, increments: 8 });
  });

  it('retries a bounded number of times, then throws the ConcurrencyError', async () => {
    const store = createMemoryStore();
    await store.append('counter-x', [{ type: 'Incremented', data: { by: 1 } }]);
    let competing = 0;
    const contended = withCompetingWriter(store, () => {
      competing += 1;
      return store.append('counter-x', [{ type: 'Incremented', data: { by: 1 } }]);
    });
    await assert.rejects(
      handle(contended, incrementCounter, increment('x'), { conflictRetries: 2 }),
      ConcurrencyError,
    );
    assert.equal(competing, 3, 'one first attempt plus two retries');
    assert.equal((await store.readStream('counter-x')).length, 4, 'only the competing writes are stored');
  });

  it('a retry decides again on the fresh state (the rejection wins over the lost race)', async () => {
    const store = createMemoryStore();
    let once = false;
    const contended = withCompetingWriter(store, async () => {
      if (once) return;
      once = true;
      await store.append('counter-y', [{ type: 'Incremented', data: { by: 100 } }]);
    });
    await assert.rejects(handle(contended, incrementCounter, increment('y', 1)), { reason: 'LIMIT_REACHED' });
  });

  it('DCB: the decision spans streams, and a racing registration of the same username fails the condition', async () => {
    const store = createMemoryStore();
    await handle(store, registerUser, register('u1', 'ada'));
    await assert.rejects(handle(store, registerUser, register('u2', 'ada')), {
      reason: 'USERNAME_TAKEN',
    });
    const other = await handle(store, registerUser, register('u2', 'grace'));
    assert.equal(other.events[0]?.streamId, 'user-u2');

    // A competing registration of the same username lands between our read and our append.
    const racing = (username: string) =>
      withCompetingWriter(store, async () => {
        const before = await store.readByQuery({ tags: [`username:${username}`] });
        if (before.length > 0) return;
        await store.append('user-u9', [
          { type: 'UserRegistered', data: { userId: 'u9', username }, tags: [`username:${username}`] },
        ]);
      });
    await assert.rejects(
      handle(racing('linus'), registerUser, register('u3', 'linus'), { conflictRetries: 0 }),
      ConditionFailedError,
    );
    await assert.rejects(handle(racing('ken'), registerUser, register('u4', 'ken')), {
      reason: 'USERNAME_TAKEN',
    });
    assert.equal((await store.readStream('user-u4')).length, 0);
  });

  it('DCB: registrations of different usernames do not conflict', async () => {
    const store = createMemoryStore();
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((name, index) =>
        handle(store, registerUser, register(`u${index}`, name), { conflictRetries: 0 }),
      ),
    );
    assert.deepEqual(
      results.map((result) => result.attempts),
      [1, 1, 1, 1],
    );
  });

  it('deterministic ids make a re-processed command an idempotent append', async () => {
    const store = createMemoryStore();
    const first = await handle(store, incrementCounter, increment('d', 5), {
      commandId: 'c1',
      deterministicIds: true,
    });
    assert.equal(first.events[0]?.id, 'c1/0');
    const again = await handle(store, incrementCounter, increment('d', 5), {
      commandId: 'c1',
      deterministicIds: true,
    });
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.events, first.events);
    assert.deepEqual(again.state, { total: 5, increments: 1 });
    assert.equal((await store.readStream('counter-d')).length, 1);
  });

  it('an empty decision appends nothing and reports the current revision', async () => {
    const store = createMemoryStore();
    const decidesNothing = {
      ...incrementCounter,
      decider: { ...incrementCounter.decider, decide: () => [] },
    };
    await handle(store, incrementCounter, increment('e'));
    const result = await handle(store, decidesNothing, increment('e'));
    assert.deepEqual(result.events, []);
    assert.equal(result.nextExpectedRevision, 0);
    assert.equal(await store.headPosition(), 1);
  });
});

describe('prepareDecision (decide without appending)', () => {
  it('returns the events and the append guard, and stores nothing', async () => {
    const store = createMemoryStore();
    await handle(store, incrementCounter, increment('p'));
    const prepared = await prepareDecision(store, incrementCounter, increment('p', 2), { commandId: 'k' });
    assert.ok(prepared.ok);
    assert.equal(prepared.streamId, 'counter-p');
    assert.deepEqual(prepared.appendOptions, { expectedRevision: 0 });
    assert.deepEqual(prepared.state, { total: 3, increments: 2 });
    assert.deepEqual(prepared.previousState, { total: 1, increments: 1 });
    assert.equal(prepared.events[0]?.metadata?.commandId, 'k');
    assert.equal(await store.headPosition(), 1);
  });

  it('new stream: expects no-stream; DCB: carries the condition at the last matching position', async () => {
    const store = createMemoryStore();
    const fresh = await prepareDecision(store, incrementCounter, increment('new'));
    assert.ok(fresh.ok);
    assert.deepEqual(fresh.appendOptions, { expectedRevision: 'no-stream' });
    await store.append('noise', [{ type: 'Other', data: {} }]);
    await handle(store, registerUser, register('u1', 'ada'));
    const dcb = await prepareDecision(store, registerUser, register('u2', 'bob'));
    assert.ok(dcb.ok);
    assert.deepEqual(dcb.appendOptions, {
      condition: { query: { types: ['UserRegistered'], tags: ['username:bob'] }, after: 0 },
    });
    const taken = await prepareDecision(store, registerUser, register('u3', 'ada'));
    assert.equal(taken.ok, false);
    if (!taken.ok) assert.equal(taken.rejection.reason, 'USERNAME_TAKEN');
  });

  it('deterministicIds without a commandId is a validation error', async () => {
    const store = createMemoryStore();
    await assert.rejects(
      prepareDecision(store, incrementCounter, increment('v'), { deterministicIds: true }),
      {
        code: 'VALIDATION',
      },
    );
  });

  it('a stream whose events are all truncated is appended to at its real revision', async () => {
    const store = createMemoryStore();
    await handle(store, incrementCounter, increment('t', 50));
    await handle(store, incrementCounter, increment('t', 50));
    await store.truncateStream('counter-t', 2);
    // The visible stream is empty, so the decider starts from scratch (the limit is not reached)…
    const result = await handle(store, incrementCounter, increment('t', 1), { conflictRetries: 0 });
    // …and the append expected revision 1, the stream's real last revision.
    assert.equal(result.nextExpectedRevision, 2);
    assert.deepEqual(result.state, { total: 1, increments: 1 });
  });

  it('keeps ids the decider chose and its own metadata next to the command context', async () => {
    const store = createMemoryStore();
    const choosesIds = {
      ...incrementCounter,
      decider: {
        ...incrementCounter.decider,
        decide: () => [
          { type: 'Incremented' as const, data: { by: 1 }, id: 'chosen', metadata: { reason: 'test' } },
        ],
      },
    };
    const result = await handle(store, choosesIds, increment('m'), {
      commandId: 'c9',
      deterministicIds: true,
    });
    assert.equal(result.events[0]?.id, 'chosen');
    assert.deepEqual(result.events[0]?.metadata, {
      reason: 'test',
      commandId: 'c9',
      correlationId: 'c9',
      causationId: 'c9',
    });
  });
});

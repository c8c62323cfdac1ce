import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handle } from 'eventfold';
import { withTempSqliteStore } from 'eventfold/testing';
import { increment, incrementCounter, register, registerUser } from '../commands/examples.test-support.js';

describe('handle on the SQLite store (group-committed appends)', () => {
  it('racing handles on one stream all land, by retrying on conflicts', () =>
    withTempSqliteStore(async ({ store }) => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          handle(store, incrementCounter, increment('race'), { conflictRetries: 20 }),
        ),
      );
      const revisions = results.map((result) => result.nextExpectedRevision).sort((a, b) => a - b);
      assert.deepEqual(revisions, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.ok(
        results.some((result) => result.attempts > 1),
        'some handle must have retried',
      );
      const final = results.find((result) => result.nextExpectedRevision === 9);
      assert.deepEqual(final?.state, { total: 10, increments: 10 });
    }));

  it('DCB: of racing registrations of one username across streams, exactly one wins', () =>
    withTempSqliteStore(async ({ store }) => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, (_, index) => handle(store, registerUser, register(`u${index}`, 'ada'))),
      );
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.filter(
        (outcome) =>
          outcome.status === 'rejected' &&
          (outcome.reason as { reason?: string }).reason === 'USERNAME_TAKEN',
      );
      assert.equal(won.length, 1);
      assert.equal(refused.length, 5);
      assert.equal((await store.readByQuery({ tags: ['username:ada'] })).length, 1);
    }));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryStore, isConcurrencyError } from 'eventfold';

test('memory store appends and reads a stream', async () => {
  const store = createMemoryStore();
  const first = await store.append('cart-1', [{ type: 'ItemAdded', data: { sku: 'A' } }], { expectedRevision: 'no-stream' });
  assert.equal(first.nextExpectedRevision, 0);
  await assert.rejects(
    store.append('cart-1', [{ type: 'ItemAdded', data: { sku: 'B' } }], { expectedRevision: 'no-stream' }),
    (error: unknown) => isConcurrencyError(error) && error.actual === 0,
  );
  const events = await store.readStream('cart-1');
  assert.deepEqual(events.map((event) => event.data), [{ sku: 'A' }]);
  await store.close();
});

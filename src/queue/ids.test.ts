import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timeOrderedId } from 'eventfold';

describe('timeOrderedId', () => {
  it('is a version 7 UUID with the RFC 9562 variant', () => {
    const id = timeOrderedId();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('starts with the current millisecond', () => {
    const before = Date.now();
    const id = timeOrderedId();
    const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    assert.ok(ms >= before && ms <= Date.now() + 1, `timestamp ${ms} not near ${before}`);
  });

  it('increases strictly and never repeats, even many per millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => timeOrderedId());
    for (let index = 1; index < ids.length; index += 1)
      assert.ok((ids[index - 1] as string) < (ids[index] as string), `not increasing at ${index}`);
    assert.equal(new Set(ids).size, ids.length);
  });
});

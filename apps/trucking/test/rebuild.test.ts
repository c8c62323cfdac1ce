import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { openBackend } from '../src/backend.js';
import { startTestApp, type TestApp } from './support.js';

const snapshot = async (t: TestApp) => ({
  shipments: (await t.request('GET', '/shipments')).body,
  trucks: (await t.request('GET', '/trucks')).body,
  accounts: await Promise.all(
    ['R1', 'R2'].map(async (id) => (await t.request('GET', `/accounts/${id}`)).body),
  ),
});

test('a restart keeps everything, and read models dropped and rebuilt from the events are identical', async () => {
  const first = await startTestApp();
  try {
    const ids = [
      await first.submit({ customerId: 'R1' }),
      await first.submit({ customerId: 'R2', weightKg: 333.3 }),
      await first.submit({ customerId: 'R1', weightKg: 12 }),
    ];
    const go = (id: string | undefined, action: string, body: unknown) =>
      first.request('POST', `/shipments/${id}/${action}?wait=true`, body);
    await go(ids[0], 'assign', { truckId: 'RB-1' });
    await go(ids[0], 'assign', { truckId: 'RB-2' });
    await go(ids[1], 'assign', { truckId: 'RB-1' });
    await go(ids[0], 'ship', {});
    await go(ids[0], 'deliver', { signedBy: 'Ann' });
    await go(ids[2], 'assign', { truckId: 'RB-2' });
    await first.request('POST', '/accounts/R1/payments?wait=true', { paymentId: 'RP1', amountCents: 999 });
    const before = await snapshot(first);
    assert.equal(before.accounts[0].chargedCents, 17_000);
    await first.stop();

    // Damage the read models behind the projections' back: only a real replay can restore them.
    const file = new Database(join(first.dataDir, 'trucking.sqlite'));
    file.exec(
      'DELETE FROM trucking_shipments; DELETE FROM trucking_trucks; UPDATE trucking_accounts SET charged_cents = 0',
    );
    file.close();
    // Rebuild every read model from scratch on the stopped data, then start again on it.
    const backend = openBackend({ dataDir: first.dataDir, durability: 'normal' });
    await backend.rebuildProjections(pino({ level: 'silent' }));
    await backend.close();

    const second = await startTestApp(first.dataDir);
    try {
      assert.deepEqual(await snapshot(second), before);
      // The restarted app goes on where it stopped: the freed truck can be taken.
      assert.equal((await second.request('POST', `/shipments/${ids[2]}/ship?wait=true`, {})).status, 200);
    } finally {
      await second.stop();
    }
  } finally {
    await rm(first.dataDir, { recursive: true, force: true });
  }
});

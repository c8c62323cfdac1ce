import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { crashScenario } from './crash-scenario.js';

test('SIGKILL mid-burst on SQLite: every acknowledged command ends once, events once, one charge per delivery', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'trucking-crash-'));
  try {
    await crashScenario(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { crashScenario } from './crash-scenario.js';

const url = process.env.TRUCKING_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

test('SIGKILL mid-burst on PostgreSQL: every acknowledged command ends once, one charge per delivery', async () => {
  const schema = `trucking_crash_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'trucking-pg-crash-'));
  try {
    await crashScenario(dataDir, { DATABASE_URL: url, DATABASE_SCHEMA: schema });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSqliteCommandLog, createSqliteStore } from 'eventfold/sqlite';

const child = fileURLToPath(new URL('./server-child.test-support.ts', import.meta.url));

describe('graceful shutdown (real server, SQLite)', () => {
  it('on SIGTERM finishes the commands in flight, closes the store and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eventfold-http-shutdown-'));
    const path = join(dir, 'events.db');
    try {
      const proc = spawn(
        process.execPath,
        ['--conditions=eventfold-source', '--import', 'tsx', child, path],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const started: string[] = [];
      const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
      const port = await new Promise<number>((resolve, reject) => {
        let buffer = '';
        proc.stdout.setEncoding('utf8');
        proc.stdout.on('data', (chunk: string) => {
          buffer += chunk;
          const lines = buffer.split('\n');
          buffer = lines.pop() ?? '';
          for (const line of lines) {
            if (line.startsWith('listening ')) resolve(Number(line.slice(10)));
            if (line.startsWith('started ')) started.push(line.slice(8));
          }
        });
        proc.on('exit', () => reject(new Error('server exited before listening')));
      });

      const accepted: string[] = [];
      for (const key of ['a', 'b', 'c', 'd']) {
        const response = await fetch(`http://127.0.0.1:${port}/counters/${key}/add`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ amount: 1 }),
        });
        assert.equal(response.status, 202);
        accepted.push(((await response.json()) as { commandId: string }).commandId);
      }
      while (started.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      proc.kill('SIGTERM');
      assert.equal(await exited, 0);

      const store = createSqliteStore({ path });
      try {
        const log = createSqliteCommandLog({ store });
        for (const commandId of started) {
          const record = await log.get(commandId);
          assert.equal(record?.status, 'succeeded', `command ${commandId} in flight at SIGTERM finished`);
        }
        const events = await store.readAll();
        for (const commandId of accepted) {
          const record = await log.get(commandId);
          const stored = events.filter((event) => event.metadata.commandId === commandId).length;
          // Either processed (with its event) or still waiting for the next start: never half done.
          assert.equal(stored, record?.status === 'succeeded' ? 1 : 0);
          assert.ok(record && (record.status === 'succeeded' || record.status === 'accepted'));
        }
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

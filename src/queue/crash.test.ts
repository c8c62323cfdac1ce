import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createSqliteStore } from 'eventfold/sqlite';
import { createSqliteCommandLog } from '../sqlite/command-log.js';
import { counterStream } from './counter.test-support.js';

const child = fileURLToPath(new URL('./crash-child.test-support.ts', import.meta.url));

interface Run {
  readonly acked: readonly string[];
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs the child; in burst mode SIGKILLs it once `killAfter` commands were acknowledged, so the
 * kill lands while enqueues and outcome transactions are in flight.
 */
const runChild = (args: readonly string[], killAfter?: number): Promise<Run> =>
  new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--conditions=eventfold-source', '--import', 'tsx', child, ...args],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const acked: string[] = [];
    let buffer = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('ack ')) acked.push(line.slice(4));
        if (killAfter !== undefined && acked.length >= killAfter && !proc.killed) proc.kill('SIGKILL');
      }
    });
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (killAfter === undefined && code !== 0) reject(new Error(`child exited with ${code}`));
      else resolve({ acked, signal });
    });
  });

describe('queued commands survive SIGKILL (SQLite)', () => {
  it('every acknowledged command reaches exactly one outcome and its events exist exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eventfold-queue-crash-'));
    const path = join(dir, 'events.db');
    try {
      const acked: string[] = [];
      for (const [round, killAfter] of [
        [1, 120],
        [2, 200],
        [3, 60],
      ] as const) {
        const run = await runChild([path, 'burst', String(round), '400'], killAfter);
        assert.equal(run.signal, 'SIGKILL', `round ${round} was killed mid-burst`);
        assert.ok(run.acked.length >= killAfter);
        acked.push(...run.acked);
      }
      await runChild([path, 'drain']);

      const store = createSqliteStore({ path });
      try {
        const log = createSqliteCommandLog({ store });
        const events = await store.readAll();
        const byCommand = new Map<string, number>();
        for (const event of events) {
          const id = String(event.metadata.commandId);
          byCommand.set(id, (byCommand.get(id) ?? 0) + 1);
        }
        for (const commandId of acked) {
          const record = await log.get(commandId);
          assert.ok(record, `acknowledged command ${commandId} is in the log`);
          assert.equal(record.status, 'succeeded', `${commandId} reached its outcome`);
          assert.equal(byCommand.get(commandId), 1, `${commandId} applied exactly once`);
        }
        // Commands recorded but killed before their ack may exist too: each has one outcome, once.
        const rows = store.database.prepare('SELECT command_id, status FROM ef_commands').all() as {
          command_id: string;
          status: string;
        }[];
        for (const row of rows) {
          assert.equal(row.status, 'succeeded');
          assert.equal(byCommand.get(row.command_id), 1, `${row.command_id} applied exactly once`);
        }
        assert.equal(events.length, rows.length, 'no event without a command');
        // Each counter's totals climb by one per event: no event applied on a stale state.
        for (let key = 0; key < 12; key += 1) {
          const stream = await store.readStream(counterStream(`k${key}`));
          assert.deepEqual(
            stream.map((event) => event.data.total),
            stream.map((_, index) => index + 1),
          );
        }
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// The trucking server as a supervisor runs it: `npm start`, stopped with SIGTERM to npm, and
// refused at start when its configuration is wrong.
import assert from 'node:assert/strict';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openBackend } from '../src/backend.js';
import { shipmentStreamId } from '../src/shipments/events.js';
import { spawnServer, startServerProcess } from './server-process.js';
import { shipmentBody } from './support.js';

const withDataDir = async (run: (dataDir: string) => Promise<void>): Promise<void> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'trucking-service-'));
  try {
    await run(dataDir);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
};

const within = <T>(promise: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms).unref(),
    ),
  ]);

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The pid of the node process serving, from its pino lines (npm's own pid is the child's). */
const serverPid = (output: string): number => {
  const match = /"pid":(\d+)/.exec(output);
  assert.ok(match?.[1], output);
  return Number(match[1]);
};

const submit = async (url: string): Promise<{ commandId: string; shipmentId: string }> => {
  const response = await fetch(`${url}/shipments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(shipmentBody()),
  });
  assert.equal(response.status, 202);
  return (await response.json()) as { commandId: string; shipmentId: string };
};

describe('the trucking server as a service', () => {
  it('npm start: SIGTERM to npm drains the server, closes the port and leaves a consistent store', async () =>
    withDataDir(async (dataDir) => {
      const server = await startServerProcess(dataDir, {}, 'npm');
      const pid = serverPid(server.output());
      assert.notEqual(pid, server.child.pid, 'npm runs the server as its own child');
      let accepted: { commandId: string; shipmentId: string }[] = [];
      try {
        // Commands in flight when the signal lands: the drain must finish them, not cut them.
        accepted = await Promise.all(Array.from({ length: 20 }, () => submit(server.url)));
        server.child.kill('SIGTERM');
        assert.equal(await within(server.exited, 20_000, 'npm exits'), '0', server.output());
        for (let tries = 0; isRunning(pid) && tries < 100; tries += 1)
          await new Promise((resolve) => setTimeout(resolve, 50));
        assert.equal(isRunning(pid), false, `the server (pid ${pid}) exited with npm:\n${server.output()}`);
      } finally {
        // A server the signal missed would outlive the test and hold its pipes open.
        server.child.kill('SIGKILL');
        if (isRunning(pid)) process.kill(pid, 'SIGKILL');
      }
      assert.match(server.output(), /"msg":"command workers stopped"/, 'the queue was drained, not killed');
      await assert.rejects(fetch(`${server.url}/health`), 'the port is closed');

      const file = new Database(join(dataDir, 'trucking.sqlite'), { readonly: true });
      try {
        assert.equal(file.pragma('integrity_check', { simple: true }), 'ok');
      } finally {
        file.close();
      }
      const backend = openBackend({ dataDir });
      try {
        for (const { commandId, shipmentId } of accepted) {
          const record = await backend.commandLog.get(commandId);
          assert.ok(record, `accepted command ${commandId} is kept`);
          const events = await backend.store.readStream(shipmentStreamId(shipmentId));
          // Finished with its event, or still queued for the next start: never half-applied.
          assert.equal(
            events.length,
            record.status === 'succeeded' ? 1 : 0,
            `${commandId}: ${record.status}`,
          );
          assert.ok(['succeeded', 'accepted'].includes(record.status), record.status);
        }
      } finally {
        await backend.close();
      }
    }));

  const badStarts: [string, string, RegExp][] = [
    [
      'PORT',
      'abc',
      /^great-plains-trucking: invalid configuration: PORT is "abc"; allowed: an integer from 0 to 65535\n$/,
    ],
    [
      'LOG_LEVEL',
      'verbose',
      /^[^\n]*LOG_LEVEL is "verbose"; allowed: fatal, error, warn, info, debug, trace, silent\n$/,
    ],
    ['SQLITE_DURABILITY', 'ful', /^[^\n]*SQLITE_DURABILITY is "ful"; allowed: full, normal\n$/],
    [
      'DATABASE_URL',
      'db.internal:5432/trucking',
      /^[^\n]*DATABASE_URL is not a URL; allowed: postgres:\/\/[^\n]*\n$/,
    ],
  ];
  for (const [name, value, line] of badStarts)
    it(`a start with ${name}=${value}: one line on stderr naming it, exit 78, nothing stored`, async () =>
      withDataDir(async (dataDir) => {
        // node directly, as `npm start` runs it: npm adds its own lines about a failed script.
        const child = spawnServer(join(dataDir, 'data'), { [name]: value });
        let stderr = '';
        let stdout = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
        });
        const code = await within(
          new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode))),
          20_000,
          'the server exits',
        ).finally(() => child.kill('SIGKILL'));
        assert.equal(code, 78, stderr);
        assert.match(stderr, line);
        assert.equal(stdout, '', 'no log line, no listening');
        await assert.rejects(access(join(dataDir, 'data')), 'no data directory was created');
      }));
});

// The README's quick start must run to completion and exit by itself: a projection, a store or a
// timer it leaves open would keep a newcomer's first `npm run example` hanging.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const quickStart = join(root, 'examples/quick-start.ts');
// Resolved here: `--import tsx` would look for tsx under the temp directory the example runs in.
const tsx = import.meta.resolve('tsx');

/** Runs the example as `npm run example` does, in `cwd` (it writes its SQLite file there). */
const runExample = (cwd: string) =>
  new Promise<{ code: number | string; output: string }>((resolve) => {
    // `--conditions` resolves `eventfold` to the sources, as the `example` script does.
    const child = spawn(process.execPath, ['--conditions=eventfold-source', '--import', tsx, quickStart], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ?? code ?? -1, output });
    });
  });

it('examples/quick-start.ts runs to completion and exits 0 by itself, twice on the same file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'eventfold-quick-start-'));
  try {
    const first = await runExample(dir);
    assert.equal(first.code, 0, `exited by itself within 30 s with 0:\n${first.output}`);
    assert.match(first.output, /alice's balance: 100\n/);
    assert.match(first.output, /withdrawal refused: INSUFFICIENT_FUNDS/);
    // The events persist in the file: the second run starts from the first's balance.
    const second = await runExample(dir);
    assert.equal(second.code, 0, second.output);
    assert.match(second.output, /alice's balance: 200\n/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

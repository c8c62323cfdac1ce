import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const childScript = fileURLToPath(new URL('./contract-mutant-child.ts', import.meta.url));

/** The parts of the contract a mutant is run against: the ones that should catch it. */
const CASES: ReadonlyArray<readonly [mutant: string, pattern: string]> = [
  ['readAllPage never has more', 'readAllPage'],
  ['readAllPage reads its probe event too', 'readAllPage'],
  ['readAllPage nextPosition stays at after', 'readAllPage'],
  ['stopWhenCaughtUp ends before delivering', 'stopWhenCaughtUp'],
  ['append refuses expectedRevision -1 (before the fix)', 'soft-deleted'],
  ['a repeat on a deleted stream answers its last stored revision', 'soft-deleted'],
];

/** Runs the contract tests matching `pattern` on the named mutant; resolves with the exit code. */
const runContract = (mutant: string, pattern: string): Promise<number | null> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=eventfold-source',
        '--import',
        'tsx',
        `--test-name-pattern=${pattern}`,
        '--test-reporter=dot',
        childScript,
        mutant,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });

// The contract's newer cases, checked against stores that break exactly what they assert: a case
// that let its mutant pass could not fail.
describe('event store contract: each mutant memory store fails it', () => {
  const patterns = [...new Set(CASES.map(([, pattern]) => pattern))];
  test('the intact memory store passes the same parts', async () => {
    for (const pattern of patterns) assert.equal(await runContract('none', pattern), 0, pattern);
  });
  for (const [mutant, pattern] of CASES)
    test(mutant, async () => {
      assert.notEqual(await runContract(mutant, pattern), 0, `the ${pattern} tests let it pass`);
    });
});

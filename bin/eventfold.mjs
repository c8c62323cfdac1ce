#!/usr/bin/env node
// The `eventfold` command. An installed package holds only the compiled CLI (dist/, see "files" in
// package.json); a checkout of the repository holds the TypeScript sources and runs them through tsx,
// so it works right after `npm ci` with no build, and a stale dist/ from an earlier build never runs.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/index.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source.href);
} else {
  cli = await import(new URL('../dist/src/cli/index.js', import.meta.url).href);
}
process.exitCode = await cli.runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});

#!/usr/bin/env node
// The `eventfold` command. Runs the compiled CLI when the package is built (dist/), and the
// TypeScript sources through tsx otherwise (a checkout of the repository).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli/index.js', import.meta.url);
let cli;
if (existsSync(compiled)) {
  cli = await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(new URL('../src/cli/index.ts', import.meta.url).href);
}
process.exitCode = await cli.runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});

/** The `eventfold` command line (bin/eventfold.mjs runs `runCli` with the process's argv). */
export type { CliIo } from './main.js';
export { runCli } from './main.js';

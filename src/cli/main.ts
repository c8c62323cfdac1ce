import { parseArgs, UsageError } from './args.js';
import { MIGRATE_USAGE, runMigrate } from './migrate.js';

const USAGE = `usage: eventfold <command> [options]

commands:
  ${MIGRATE_USAGE.split('\n').join('\n  ')}`;

/** What the CLI needs from its process, so tests can run it in-process too. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * Runs the `eventfold` command line and returns the exit code: 0 done, 1 failed, 2 bad usage.
 *
 * @example await runCli(['migrate', '--schema', 'billing'], { env: process.env, out: console.log, err: console.error })
 */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  try {
    const args = parseArgs(argv);
    if (args.help || args.command === undefined) {
      (args.help ? io.out : io.err)(USAGE);
      return args.help ? 0 : 2;
    }
    switch (args.command) {
      case 'migrate':
        await runMigrate(args, io.env, io.out);
        return 0;
      default:
        throw new UsageError(`unknown command ${args.command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`eventfold: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`eventfold: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
};

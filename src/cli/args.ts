/** Parsed command line: the command, its `--name value` options and the leftovers. */
export interface ParsedArgs {
  readonly command: string | undefined;
  readonly options: Readonly<Record<string, string>>;
  readonly positional: readonly string[];
  readonly help: boolean;
}

/** Thrown for a command line that cannot be understood; the CLI prints usage and exits 2. */
export class UsageError extends Error {}

/** Parses `command --name value --name=value …` (every option takes a value; `-h`/`--help` excepted). */
export const parseArgs = (argv: readonly string[]): ParsedArgs => {
  const options: Record<string, string> = {};
  const positional: string[] = [];
  let help = false;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '-h' || arg === '--help') {
      help = true;
    } else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      const value = inline ?? argv[index + 1];
      if (name.length === 0 || value === undefined || (inline === undefined && value.startsWith('--')))
        throw new UsageError(`option --${name} needs a value`);
      if (inline === undefined) index += 1;
      options[name] = value;
    } else {
      positional.push(arg);
    }
  }
  const [command, ...rest] = positional;
  return { command, options, positional: rest, help };
};

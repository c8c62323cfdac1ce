/** One structured log call: fields first, then an optional message (pino's argument order), or a message alone. */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/**
 * The logging port. Every part of Eventfold that logs takes it as its `logger` option and is silent
 * without one. A pino logger satisfies it as it is (`logger: pino()`), so pino stays optional.
 */
export interface Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  /** A logger that adds `bindings` to every entry (pino's `child`). */
  readonly child: (bindings: Record<string, unknown>) => Logger;
}

const ignore: LogFn = () => undefined;

/** The default logger: drops everything. */
export const silentLogger: Logger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
};

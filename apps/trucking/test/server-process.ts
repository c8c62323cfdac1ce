import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const mainScript = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** A trucking server running as a child process, as `npm start` runs it. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the server printed (pino JSON lines), for failure messages. */
  readonly output: () => string;
  /** Resolves with the exit code or signal. */
  readonly exited: Promise<string>;
}

/** How the server is started: node on main.ts directly, or `npm start` exactly as the README says. */
export type StartVia = 'node' | 'npm';

/** The trucking server's command line, with the environment tests give it. */
export const spawnServer = (dataDir: string, env: Record<string, string> = {}, via: StartVia = 'node') =>
  spawn(
    via === 'npm' ? 'npm' : process.execPath,
    via === 'npm' ? ['start'] : ['--conditions=eventfold-source', '--import', 'tsx', mainScript],
    {
      cwd: root,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );

/**
 * Starts `apps/trucking/src/main.ts` on a free port (PORT=0, the port is read back from the
 * "listening" log line) and resolves once `GET /health` answers 200. With `via: 'npm'` the child
 * is npm itself, as a supervisor running `npm start` sees it.
 */
export const startServerProcess = async (
  dataDir: string,
  env: Record<string, string> = {},
  via: StartVia = 'node',
): Promise<ServerProcess> => {
  const child = spawnServer(dataDir, env, via);
  let output = '';
  const exited = new Promise<string>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? String(code))),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((how) => reject(new Error(`server exited (${how}) before listening:\n${output}`)));
    setTimeout(() => reject(new Error(`server did not listen within 30 s:\n${output}`)), 30_000).unref();
  });
  for (let tries = 0; ; tries += 1) {
    const health = await fetch(`${url}/health`).catch(() => undefined);
    if (health?.status === 200) break;
    if (tries > 300) throw new Error(`server never became healthy:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, url, output: () => output, exited };
};

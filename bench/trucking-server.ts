// A trucking server in its own process for the HTTP benches, so the load generator never shares
// its event loop. Logs at `warn`; answers once `/health` is 200.
import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

/** A port free right now on loopback. */
export const freePort = (): Promise<number> =>
  new Promise<number>((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** Starts `apps/trucking/src/main.ts` on `dataDir` with `env` added, and waits until it is healthy. */
export const startTruckingServer = async (
  dataDir: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> => {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=eventfold-source', '--import', 'tsx', 'apps/trucking/src/main.ts'],
    {
      cwd: root,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        DATA_DIR: dataDir,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; tries < 600; tries += 1) {
    const health = await fetch(`${url}/health`).catch(() => undefined);
    if (health?.status === 200) return { child, url };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error('trucking server did not become healthy within 30 s');
};

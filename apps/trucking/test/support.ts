import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTruckingApp, type TruckingApp } from '../src/app.js';
import { openBackend, type TruckingBackend } from '../src/backend.js';

/** A JSON answer of the server under test. */
export interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON fields.
  readonly body: any;
  readonly headers: Record<string, unknown>;
}

export interface TestApp {
  readonly app: TruckingApp;
  readonly request: (
    method: 'GET' | 'POST',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<Answer>;
  /** Submits a shipment and waits for it; returns its id. */
  readonly submit: (overrides?: Record<string, unknown>) => Promise<string>;
  /** The data directory, to open it again as after a restart. */
  readonly dataDir: string;
  /** Shuts the app down (queue, projections, store) and keeps its data. */
  readonly stop: () => Promise<void>;
  /** Shuts down and deletes the data. */
  readonly close: () => Promise<void>;
}

export const shipmentBody = (overrides: Record<string, unknown> = {}) => ({
  customerId: 'C1',
  pickupAddress: '1 Depot Rd, Omaha, NE',
  destinationAddress: '9 Main St, Wichita, KS',
  weightKg: 1200,
  ...overrides,
});

/** PostgreSQL for the trucking tests (CI starts it): 127.0.0.1:5432, user postgres, database `test`. */
export const testDatabaseUrl =
  process.env.TRUCKING_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The trucking app exercised in-process with `inject`: on its own temp SQLite file, or — when
 * `TRUCKING_TEST_BACKEND=postgres` (the `*.postgres.test.ts` runs of the same suites) — on its own
 * PostgreSQL schema, dropped on `close`.
 */
export const startTestApp = async (existingDataDir?: string): Promise<TestApp> => {
  if (process.env.TRUCKING_TEST_BACKEND === 'postgres' && existingDataDir === undefined)
    return startPostgresTestApp();
  const dataDir = existingDataDir ?? (await mkdtemp(join(tmpdir(), 'trucking-test-')));
  return startAppOn(openBackend({ dataDir, durability: 'normal' }), dataDir);
};

const startPostgresTestApp = async (): Promise<TestApp> => {
  const schema = `trucking_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const started = await startAppOn(
    openBackend({ dataDir: '', databaseUrl: testDatabaseUrl, databaseSchema: schema }),
  );
  return {
    ...started,
    close: async () => {
      await started.close();
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
};

/** The trucking app on a given backend; `close` also deletes `dataDir` when there is one. */
export const startAppOn = async (backend: TruckingBackend, dataDir = ''): Promise<TestApp> => {
  // Reads wait longer than in production (2 s): the suites run beside others on two cores, and a
  // read whose bound ran out answers with what it has, which a consistency check would take for a bug.
  const app = await createTruckingApp({ backend, readWaitMs: 15_000 });
  const request: TestApp['request'] = async (method, url, body, headers = {}) => {
    const response = await app.server.inject({
      method,
      url,
      headers,
      ...(body === undefined
        ? {}
        : typeof body === 'string'
          ? { payload: body }
          : { payload: body as object }),
    });
    const text = response.body;
    return {
      status: response.statusCode,
      body: text ? JSON.parse(text) : undefined,
      headers: response.headers,
    };
  };
  return {
    app,
    request,
    submit: async (overrides = {}) => {
      const answer = await request('POST', '/shipments?wait=true', shipmentBody(overrides));
      if (answer.status !== 200)
        throw new Error(`submit failed: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body.shipmentId as string;
    },
    dataDir,
    stop: () => app.server.close(),
    close: async () => {
      await app.server.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
};

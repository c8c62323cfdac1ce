// Child process for the projection ownership test: runs the test projection under a projection
// lock on the schema in argv[2] as node "child", prints "started", and runs until killed.
import {
  createPostgresProjectionOwnership,
  createPostgresStore,
  createPostgresTarget,
} from 'eventfold/postgres';
import { appliedByNode } from './postgres-ownership-support.js';
import { DATABASE_URL } from './postgres-support.js';

const store = createPostgresStore({
  connectionString: DATABASE_URL,
  schema: process.argv[2] as string,
  poolSize: 1,
  pollIntervalMs: 100,
});
const ownership = createPostgresProjectionOwnership({ store, retryMs: 100 });
ownership.start({ store, projector: appliedByNode('child'), target: createPostgresTarget(store) });
console.log('started');

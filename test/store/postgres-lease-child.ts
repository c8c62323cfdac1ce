// Child process for the lease takeover test: holds a command-log partition lease on the schema in
// argv[2], prints its partitions whenever they change, and runs until killed.
import { createPostgresCommandLog, createPostgresStore } from 'eventfold/postgres';
import { DATABASE_URL } from './postgres-support.js';

const store = createPostgresStore({
  connectionString: DATABASE_URL,
  schema: process.argv[2] as string,
  poolSize: 1,
});
const log = createPostgresCommandLog({ store, partitionCount: 16, rebalanceMs: 50 });
const lease = await log.acquire('child');
let last = '';
setInterval(() => {
  const now = JSON.stringify(lease.partitions());
  if (now !== last) console.log(now);
  last = now;
}, 20);

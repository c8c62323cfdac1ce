import type { SchemaNames } from '../sql.js';

/**
 * Version 2: what the runtime keeps beside the events, so it commits in the same transactions as
 * appends: projection checkpoints and the queued-command log.
 */
export const v2Runtime = (n: SchemaNames): string => `
-- One row per projection: the position its read model reflects, written in the read model's transaction.
create table if not exists ${n.checkpoints} (
  name text primary key,
  position bigint not null,
  version integer not null
);

-- The durable command log. payload, metadata, error and result hold JSON text (exact, \\u0000-safe).
create table if not exists ${n.commands} (
  command_id text primary key,
  -- Arrival order; an identity may leave gaps (a refused duplicate consumes a value), which is allowed.
  seq bigint generated always as identity unique,
  partition_key text not null,
  partition_no integer not null,
  type text not null,
  payload text not null,
  metadata text not null,
  -- Dedupe by idempotency key; the unique index also makes two racing enqueues with one key agree.
  idempotency_key text unique,
  fingerprint text not null,
  status text not null check (status in ('accepted', 'succeeded', 'rejected', 'failed')),
  attempts integer not null default 0,
  error text,
  result text,
  accepted_at text not null,
  processed_at text
);
-- next(): the oldest accepted command per key of the owned partitions; countPending per key.
-- Partial: finished commands (the bulk of the table over time) are not in it.
create index if not exists commands_accepted on ${n.commands} (partition_no, partition_key, seq)
  where status = 'accepted';
create index if not exists commands_accepted_by_key on ${n.commands} (partition_key, seq)
  where status = 'accepted';
`;

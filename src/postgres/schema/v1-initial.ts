import type { SchemaNames } from '../sql.js';

/**
 * Version 1: the event log, the stream table and the append function.
 *
 * Why one append lock per schema (a transaction-level advisory lock, `names.appendLock`): every
 * append takes it first and keeps it until commit, so positions are handed out in commit order. A
 * reader that sees position p therefore already sees every position below p: a subscriber can
 * never skip an event whose transaction commits late (the in-flight transaction problem), and
 * positions stay gapless because a rolled-back append hands its positions to the next one. The
 * alternative — a sequence plus `pg_current_xact_id()` and reading below `pg_snapshot_xmin`
 * (Marten, Emmett) — lets positions commit out of order: any long write transaction anywhere in the
 * cluster holds every reader back, a writer does not read its own append at once, sequence values
 * leak on rollback, and xid order is not position order (a transaction with an older xid can draw a
 * later position), so readers must checkpoint on (xid, position) rather than a plain position. The lock also makes every append check (expected revision, DCB condition, idempotency)
 * race-free without SERIALIZABLE retries: appends are serial, so what a check reads cannot change
 * before its commit. Its cost — one append commit at a time per schema — is won back by group
 * commit in the client (many appends per `append_batch` call and per commit, see append.ts), and by
 * keeping the locked work small: an append writes only its event rows (the head and each stream's
 * last revision are read from the indexes, never stored in a row every append would update).
 */
export const v1Initial = (n: SchemaNames): string => `
-- Only streams that were soft-deleted or given metadata have a row: appends never write here.
-- Revisions below deleted_before are soft-deleted.
create table if not exists ${n.streams} (
  stream_id text primary key,
  deleted_before bigint not null default 0,
  metadata json not null default '{}'
);

-- json (not jsonb) for data and metadata: stored and returned as given (key order, exact text),
-- and cheaper to write. Nothing queries inside them.
create table if not exists ${n.events} (
  -- readAll / subscriptions: range scans in position order; max(position) is the head.
  position bigint primary key,
  -- Idempotent append: a repeated id is found by this index, and it guarantees uniqueness.
  id text not null unique,
  stream_id text not null,
  revision bigint not null,
  type text not null,
  source text not null,
  time text not null,
  data json not null,
  metadata json not null,
  tags text[] not null,
  -- readStream (forwards and backwards from a revision); max(revision) is a stream's last revision;
  -- and one event per stream revision.
  unique (stream_id, revision)
);
-- DCB conditions and readByQuery by tags: "events carrying all these tags" is array containment.
create index if not exists events_tags on ${n.events} using gin (tags);
-- DCB conditions and readByQuery by type only, in position order.
create index if not exists events_type on ${n.events} (type, position);

-- Appends a batch of appends in one statement (one round trip, one commit). Each item is
-- { stream, expected, condition?: { after, query: [{ types, tags }] }, events: [{ id, type, source,
-- time, data, metadata, tags }] } and yields one result: ok, repeat, conflict, condition or
-- duplicate-id. The batch is jsonb, parsed once (a json value is re-parsed by every -> on it). data
-- and metadata arrive inside it as JSON text (encoded twice): jsonb cannot hold \\u0000 but can hold
-- a string spelling it, and ::json then stores that text verbatim. tags arrive as an array literal
-- ('{"a","b"}'): one cast per row instead of a subquery per row. Failed checks are values, not
-- exceptions, so one failing append does not undo the others of its batch.
--
-- plan_cache_mode = force_generic_plan: plan each statement once per connection. Left to choose,
-- PostgreSQL keeps re-planning statements whose parameters it cannot see through (the batch),
-- which cost more than the statements themselves, under the lock.
-- enable_seqscan = off: every lookup here has an index made for it, but a plan made while the
-- table was small (or before autovacuum's first ANALYZE) picks a sequential scan, which a cached
-- plan would then run on every append as the table grows: milliseconds under the lock.
create or replace function ${n.appendBatch}(batch jsonb) returns json
language plpgsql
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
as $fn$
declare
  item jsonb;
  results json[] := array[]::json[];
  head_position bigint;
  stream text;
  ids text[];
  bad_id text;
  last_revision bigint;
  deleted_before bigint;
  live_revision bigint;
  expected text;
  holds boolean;
  condition jsonb;
  query_item jsonb;
  query_types text[];
  query_tags text[];
  query_sql text;
  conflict bigint;
  found_conflict bigint;
  appended boolean := false;
  any_seen boolean;
  seen boolean;
  item_count integer;
  item_index integer;
  fast_results json;
  appended_count bigint;
begin
  -- The serialization point (see above). READ COMMITTED: each later statement of this volatile
  -- function takes a fresh snapshot, so it sees everything the previous lock holder committed.
  perform ${n.appendLock};
  item_count := jsonb_array_length(batch);

  -- Fast path for the common batch (what group commit builds from independent writers): distinct
  -- streams and no DCB condition, so no append depends on another of the batch and all can be
  -- checked and inserted set-wise, in two statements instead of several per append. If any event id
  -- is already stored nothing is inserted and the batch takes the general path below.
  -- (A single append takes the general path: fewer statements than the set-wise one.)
  if item_count > 1 then
  if (select count(distinct x.v->>'stream') = count(*)
             and bool_and(jsonb_typeof(x.v->'condition') is distinct from 'object')
        from jsonb_array_elements(batch) x(v)) then
    select coalesce(max(e.position), 0) into head_position from ${n.events} e;
    with items as (
      select x.n as item_no, x.v->>'stream' as stream, x.v->>'expected' as expected,
             x.v->'events' as events, jsonb_array_length(x.v->'events') as size
        from jsonb_array_elements(batch) with ordinality x(v, n)
    ), checked as materialized (
      select i.*,
             coalesce((select max(e.revision) from ${n.events} e where e.stream_id = i.stream), -1) as last_revision,
             coalesce((select s.deleted_before from ${n.streams} s where s.stream_id = i.stream), 0) as deleted_before,
             -- = any(array): one index probe per id, never a join the planner could turn into a scan.
             exists (select 1 from ${n.events} e
                      where e.id = any(array(select j.v->>'id' from jsonb_array_elements(i.events) j(v)))) as seen
        from items i
    ), judged as (
      select c.*, case when c.last_revision >= c.deleted_before then c.last_revision else -1 end as live
        from checked c
    ), decided as (
      select j.*, case j.expected
               when 'any' then true
               when 'no-stream' then j.live = -1
               when 'exists' then j.live >= 0
               else j.expected::bigint = j.live
             end as holds
        from judged j
    ), placed as (
      select d.*, head_position + coalesce(sum(d.size) filter (where d.holds) over (
               order by d.item_no rows between unbounded preceding and 1 preceding), 0) as before_position
        from decided d
    ), inserted as (
      insert into ${n.events} (position, id, stream_id, revision, type, source, time, data, metadata, tags)
      select p.before_position + y.n, y.v->>'id', p.stream, p.last_revision + y.n, y.v->>'type', y.v->>'source',
             y.v->>'time', (y.v->>'data')::json, (y.v->>'metadata')::json,
             (y.v->>'tags')::text[]
        from placed p, jsonb_array_elements(p.events) with ordinality y(v, n)
       where p.holds and not exists (select 1 from placed q where q.seen)
      returning 1
    )
    select bool_or(p.seen),
           json_agg(case when p.holds
                      then json_build_object('status', 'ok', 'position', p.before_position + 1, 'revision', p.last_revision + 1)
                      else json_build_object('status', 'conflict', 'actual', p.live)
                    end order by p.item_no),
           coalesce(sum(p.size) filter (where p.holds), 0)
      into any_seen, fast_results, appended_count
      from placed p;
    if not any_seen then
      if appended_count > 0 then
        perform pg_notify('${n.channel.replaceAll("'", "''")}', (head_position + appended_count)::text);
      end if;
      return fast_results;
    end if;
  end if;
  end if;

  -- An index loop, not FOR … IN SELECT: no cursor to open for what is usually one item.
  for item_index in 0 .. item_count - 1 loop
    item := batch -> item_index;
    -- Everything the checks need, in one statement (each statement run here costs a round of
    -- executor start-up, under the lock).
    select item->>'stream', ids_of.ids,
           -- The head, read once per batch (later items advance it in head_position).
           case when head_position is null
             then (select coalesce(max(e.position), 0) from ${n.events} e) else head_position end,
           coalesce((select max(e.revision) from ${n.events} e where e.stream_id = item->>'stream'), -1),
           coalesce((select s.deleted_before from ${n.streams} s where s.stream_id = item->>'stream'), 0),
           exists (select 1 from ${n.events} e where e.id = any(ids_of.ids))
      into stream, ids, head_position, last_revision, deleted_before, seen
      from (select array(select value->>'id' from jsonb_array_elements(item->'events')) as ids) ids_of;
    -- (The same id twice in one append is refused by validation before it gets here.)
    live_revision := case when last_revision >= deleted_before then last_revision else -1 end;

    -- Idempotency first: a repeat of a stored append succeeds whatever the expectation says.
    if seen then
      select u.x into bad_id from unnest(ids) with ordinality u(x, n)
        left join ${n.events} e on e.id = u.x
        where e.id is null or e.stream_id <> stream
        order by u.n limit 1;
      if bad_id is null then
        results := results || json_build_object('status', 'repeat', 'revision', live_revision);
      else
        results := results || json_build_object('status', 'duplicate-id', 'id', bad_id);
      end if;
      continue;
    end if;

    expected := item->>'expected';
    holds := case expected
      when 'any' then true
      when 'no-stream' then live_revision = -1
      when 'exists' then live_revision >= 0
      else expected::bigint = live_revision
    end;
    if not holds then
      results := results || json_build_object('status', 'conflict', 'actual', live_revision);
      continue;
    end if;

    condition := item->'condition';
    if condition is not null and jsonb_typeof(condition) = 'object' then
      conflict := null;
      for query_item in select value from jsonb_array_elements(condition->'query') loop
        query_types := array(select jsonb_array_elements_text(query_item->'types'));
        query_tags := array(select jsonb_array_elements_text(query_item->'tags'));
        -- Dynamic SQL so each shape gets its own plan (GIN on tags, (type, position), or the
        -- primary key), instead of one generic plan that cannot use any index.
        query_sql := 'select max(e.position) from ${n.events.replaceAll("'", "''")} e where e.position > $1';
        if cardinality(query_types) > 0 then query_sql := query_sql || ' and e.type = any($2)'; end if;
        if cardinality(query_tags) > 0 then query_sql := query_sql || ' and e.tags @> $3'; end if;
        execute query_sql into found_conflict using (condition->>'after')::bigint, query_types, query_tags;
        conflict := greatest(conflict, found_conflict);
      end loop;
      if conflict is not null then
        results := results || json_build_object('status', 'condition', 'position', conflict);
        continue;
      end if;
    end if;

    insert into ${n.events} (position, id, stream_id, revision, type, source, time, data, metadata, tags)
    select head_position + x.n, x.v->>'id', stream, last_revision + x.n, x.v->>'type', x.v->>'source',
           x.v->>'time', (x.v->>'data')::json, (x.v->>'metadata')::json,
           (x.v->>'tags')::text[]
      from jsonb_array_elements(item->'events') with ordinality x(v, n);

    results := results || json_build_object('status', 'ok', 'position', head_position + 1, 'revision', last_revision + 1);
    head_position := head_position + cardinality(ids);
    appended := true;
  end loop;

  if appended then
    -- Delivered at commit to every LISTENing store on this schema; polling covers a lost one.
    perform pg_notify('${n.channel.replaceAll("'", "''")}', head_position::text);
  end if;
  return array_to_json(results);
end
$fn$;
`;

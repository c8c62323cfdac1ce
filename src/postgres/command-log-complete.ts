import { NotFoundError } from '../core/errors.js';
import type { AppendResult } from '../core/store.js';
import { appendOf, finalFields } from '../queue/records.js';
import type { CommandLog, CommandRecord, CompleteResult } from '../queue/types.js';
import type { SchemaNames } from './sql.js';
import type { PostgresEventStore } from './store/types.js';

type Outcome = Parameters<CommandLog['complete']>[1];

interface Pending {
  readonly commandId: string;
  readonly outcome: Outcome;
  readonly resolve: (result: CompleteResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Most completions committed in one transaction. */
const MAX_GROUP = 64;

/**
 * Group commit of command outcomes. Every outcome that appends events holds the schema's append
 * lock until COMMIT, so one transaction per command serializes all nodes on one commit (and one
 * fsync) per command. Completions that arrive while a group is committing wait and then commit
 * together: one row-lock query, each command's append, one set-wise status update, one NOTIFY and
 * one COMMIT for the whole group. A completion resolves only after its group committed.
 *
 * Each command is still guarded by its row lock and `status = 'accepted'` (a command finished
 * elsewhere writes nothing). If one command's append fails (a conflict: its decision is stale), the
 * whole group rolls back, that command rejects with the error (it stays accepted and is decided
 * again, exactly as when it had its own transaction) and the others are retried in the next group.
 */
export const createGroupCompleter = <Row extends object>(options: {
  readonly store: PostgresEventStore;
  readonly names: SchemaNames;
  readonly clock: () => Date;
  readonly decode: (row: Row) => CommandRecord;
  /** NOTIFY payload announcing completions (tells the log's own listener to ignore them). */
  readonly notifyPayload: string;
}): CommandLog['complete'] => {
  const { store, names, clock, decode, notifyPayload } = options;
  let waiting: Pending[] = [];
  let running = false;

  const commitGroup = async (group: readonly Pending[]): Promise<void> => {
    let failed: Pending | undefined;
    try {
      const results = await store.transaction(async (tx) => {
        // Locked in id order, so two groups sharing rows (a takeover) cannot deadlock on them.
        const { rows } = await tx.query<Row>(
          `select * from ${names.commands} where command_id = any($1::text[]) order by command_id for update`,
          [group.map((item) => item.commandId)],
        );
        const current = new Map<string, CommandRecord>();
        for (const row of rows) {
          const record = decode(row);
          current.set(record.commandId, record);
        }
        const results = new Map<Pending, CompleteResult | NotFoundError>();
        const updates: {
          id: string;
          status: string;
          error: string | null;
          result: string | null;
          at: string;
        }[] = [];
        for (const item of group) {
          const record = current.get(item.commandId);
          if (!record) {
            results.set(item, new NotFoundError('command', `command ${item.commandId} is not in the log`));
            continue;
          }
          // Already final (processed before a crash, or by another node): write nothing at all.
          if (record.status !== 'accepted') {
            results.set(item, { applied: false, record });
            continue;
          }
          const { outcome } = item;
          let append: AppendResult | undefined;
          const events = appendOf(outcome);
          if (events) {
            failed = item;
            append = await tx.append(events.streamId, events.events, events.options);
            failed = undefined;
          }
          const { error, result } = finalFields(outcome, append);
          const processedAt = clock().toISOString();
          updates.push({
            id: item.commandId,
            status: outcome.status,
            error: error === null ? null : JSON.stringify(error),
            result: result === null ? null : JSON.stringify(result),
            at: processedAt,
          });
          const final: CommandRecord = { ...record, status: outcome.status, error, result, processedAt };
          // A second completion of the same command in this group finds it final.
          current.set(item.commandId, final);
          results.set(
            item,
            append ? { applied: true, record: final, append } : { applied: true, record: final },
          );
        }
        if (updates.length > 0) {
          await tx.query(
            `update ${names.commands} c
                set status = u.status, error = u.error, result = u.result, processed_at = u.at
               from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) as u(id, status, error, result, at)
              where c.command_id = u.id and c.status = 'accepted'`,
            [
              updates.map((update) => update.id),
              updates.map((update) => update.status),
              updates.map((update) => update.error),
              updates.map((update) => update.result),
              updates.map((update) => update.at),
            ],
          );
          await tx.query('select pg_notify($1, $2)', [names.commandChannel, notifyPayload]);
        }
        return results;
      });
      for (const item of group) {
        const result = results.get(item);
        if (result instanceof Error || result === undefined) item.reject(result);
        else item.resolve(result);
      }
    } catch (error) {
      if (failed === undefined) {
        for (const item of group) item.reject(error);
        return;
      }
      // Only the command whose append failed gets the error; the rest commit in the next group.
      const culprit = failed;
      culprit.reject(error);
      waiting = [...group.filter((item) => item !== culprit), ...waiting];
    }
  };

  const drain = async (): Promise<void> => {
    running = true;
    try {
      while (waiting.length > 0) {
        const group = waiting.slice(0, MAX_GROUP);
        waiting = waiting.slice(MAX_GROUP);
        await commitGroup(group);
      }
    } finally {
      running = false;
    }
  };

  return (commandId, outcome) =>
    new Promise<CompleteResult>((resolve, reject) => {
      waiting.push({ commandId, outcome, resolve, reject });
      if (!running) void drain();
    });
};

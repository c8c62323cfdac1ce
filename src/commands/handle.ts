import type { Message } from '../core/envelope.js';
import {
  isConcurrencyError,
  isConditionFailedError,
  RejectedError,
  ValidationError,
} from '../core/errors.js';
import type { AppendResult, EventStore } from '../core/store.js';
import { prepareDecision } from './decide.js';
import { loadState } from './load.js';
import { saveSnapshotIfDue } from './snapshots.js';
import type { CommandSpec, HandleOptions, HandleResult, PreparedEvents } from './types.js';

/** Default number of retries after a concurrency conflict. */
export const DEFAULT_RETRIES = 3;

const isConflict = (error: unknown): boolean => isConcurrencyError(error) || isConditionFailedError(error);

const validateRetries = (retries: unknown): number => {
  if (typeof retries !== 'number' || !Number.isSafeInteger(retries) || retries < 0)
    throw new ValidationError('retries must be a non-negative integer', [
      { field: 'retries', message: 'must be a non-negative integer' },
    ]);
  return retries;
};

/** The result when the decider decided nothing: nothing is appended. */
const unchanged = async <S>(
  store: EventStore,
  spec: { readonly query?: unknown },
  prepared: PreparedEvents<S>,
  attempts: number,
): Promise<HandleResult<S>> => ({
  events: [],
  position: prepared.loaded.position,
  // A DCB read does not tell the target stream's revision; ask for it.
  nextExpectedRevision: spec.query
    ? (await store.streamState(prepared.streamId)).revision
    : prepared.loaded.revision,
  state: prepared.state,
  duplicate: false,
  attempts,
});

/**
 * The direct command path: load state (snapshot + newer events, or the DCB query), decide, append
 * guarded by the revision (or condition) that was read. On a concurrency conflict the whole cycle
 * runs again on fresh state, at most `retries` more times (default 3); the last conflict is thrown
 * as is (`ConcurrencyError` / `ConditionFailedError`).
 *
 * A rejection is thrown as `RejectedError` carrying the decider's reason, message and details —
 * the same typed error the HTTP layer maps to 409, so every caller branches on one thing.
 *
 * ```ts
 * const { events, state } = await handle(store, { decider: counter, streamId: (c) => c.data.id }, command);
 * ```
 */
export const handle = async <C extends Message, E extends Message, S>(
  store: EventStore,
  spec: CommandSpec<C, E, S>,
  command: C,
  options: HandleOptions = {},
): Promise<HandleResult<S>> => {
  const retries = validateRetries(options.retries ?? DEFAULT_RETRIES);
  for (let attempt = 1; ; attempt += 1) {
    const prepared = await prepareDecision(store, spec, command, options);
    if (!prepared.ok) {
      const { reason, message, details } = prepared.rejection;
      throw new RejectedError(reason, message, details);
    }
    if (prepared.events.length === 0) return unchanged(store, spec, prepared, attempt);
    let result: AppendResult;
    try {
      result = await store.append(prepared.streamId, prepared.events, prepared.appendOptions);
    } catch (error) {
      // Someone appended between our read and our write: decide again on what they wrote.
      if (isConflict(error) && attempt <= retries) continue;
      throw error;
    }
    await saveSnapshotIfDue(spec, options.snapshots, prepared, result);
    // A repeat (same deterministic ids already stored) stored nothing: the decided state is not what
    // the store holds, so report the state as it is.
    const state = result.duplicate
      ? (await loadState(store, spec, command, options.snapshots)).loaded.state
      : prepared.state;
    return {
      events: result.events,
      position: result.position,
      nextExpectedRevision: result.nextExpectedRevision,
      state,
      duplicate: result.duplicate,
      attempts: attempt,
    };
  }
};

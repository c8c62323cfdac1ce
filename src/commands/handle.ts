import type { Message } from '../core/envelope.js';
import {
  isConcurrencyError,
  isConditionFailedError,
  RejectedError,
  ValidationError,
} from '../core/errors.js';
import type { AppendResult, EventStore } from '../core/store.js';
import { prepareDecision } from './decide.js';
import { isDcb } from './define.js';
import { loadState } from './load.js';
import { saveSnapshotIfDue } from './snapshots.js';
import type { CommandDefinition, HandleOptions, HandleResult, PreparedEvents } from './types.js';

/** Default number of decide-and-append attempts after a concurrency conflict. */
export const DEFAULT_CONFLICT_RETRIES = 3;

const isConflict = (error: unknown): boolean => isConcurrencyError(error) || isConditionFailedError(error);

const validateRetries = (retries: unknown): number => {
  if (typeof retries !== 'number' || !Number.isSafeInteger(retries) || retries < 0)
    throw new ValidationError('conflictRetries must be a non-negative integer', [
      { field: 'conflictRetries', message: 'must be a non-negative integer' },
    ]);
  return retries;
};

/** The result when the decider decided nothing: nothing is appended. */
const unchanged = async <S>(
  store: EventStore,
  definition: CommandDefinition,
  prepared: PreparedEvents<S>,
  attempts: number,
): Promise<HandleResult<S>> => ({
  events: [],
  position: prepared.loaded.position,
  // A DCB read does not tell the target stream's revision; ask for it.
  nextExpectedRevision: isDcb(definition)
    ? (await store.streamState(prepared.streamId)).revision
    : prepared.loaded.revision,
  state: prepared.state,
  duplicate: false,
  attempts,
});

/**
 * The direct command path: load state (snapshot + newer events, or the DCB query), decide, append
 * guarded by the revision (or condition) that was read. On a concurrency conflict the whole cycle
 * runs again on fresh state, at most `conflictRetries` more times (default 3); the last conflict is thrown
 * as is (`ConcurrencyError` / `ConditionFailedError`).
 *
 * A rejection is thrown as `RejectedError` carrying the decider's reason, message and details —
 * the same typed error the HTTP layer maps to 409, so every caller branches on one thing.
 *
 * ```ts
 * const increment = defineCommand({ type: 'Increment', decider: counter, streamId: (c: Increment) => c.data.id });
 * const { events, state } = await handle(store, increment, command);
 * ```
 */
export const handle = async <C extends Message, E extends Message, S>(
  store: EventStore,
  definition: CommandDefinition<C, E, S>,
  command: C,
  options: HandleOptions = {},
): Promise<HandleResult<S>> => {
  const retries = validateRetries(options.conflictRetries ?? DEFAULT_CONFLICT_RETRIES);
  const snapshots = options.snapshots ?? definition.snapshots;
  for (let attempt = 1; ; attempt += 1) {
    const prepared = await prepareDecision(store, definition, command, options);
    if (!prepared.ok) {
      const { reason, message, details } = prepared.rejection;
      throw new RejectedError(reason, message, details);
    }
    if (prepared.events.length === 0) return unchanged(store, definition, prepared, attempt);
    let result: AppendResult;
    try {
      result = await store.append(prepared.streamId, prepared.events, prepared.appendOptions);
    } catch (error) {
      // Someone appended between our read and our write: decide again on what they wrote.
      if (isConflict(error) && attempt <= retries) continue;
      throw error;
    }
    await saveSnapshotIfDue(definition, snapshots, prepared, result);
    // A repeat (same deterministic ids already stored) stored nothing: the decided state is not what
    // the store holds, so report the state as it is.
    const state = result.duplicate
      ? (await loadState(store, definition, command, snapshots)).loaded.state
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

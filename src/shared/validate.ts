import type { NewEvent } from '../core/envelope.js';
import { type ErrorDetail, SerializationError, ValidationError } from '../core/errors.js';
import type { AppendOptions, ExpectedRevision, Query, QueryItem } from '../core/store.js';
import { NO_LIVE_REVISION } from './expected-revision.js';
import { type TextRule, textProblems } from './text.js';

/** Longest accepted stream id, in characters. Long enough for composite keys, short enough to index. */
export const MAX_STREAM_ID_LENGTH = 200;
const MAX_TYPE_LENGTH = 200;
const MAX_TAG_LENGTH = 200;
const MAX_ID_LENGTH = 200;

/** `events[0].tags` → `events/0/tags`: the JSON-pointer-like names the text rule reports. */
const toPointer = (path: string): string => path.replace(/\[(\d+)\]/g, '/$1').replaceAll('.', '/');

const invalid = (field: string, message: string): ValidationError =>
  new ValidationError(`${field}: ${message}`, [{ field, message }]);

const throwTextProblems = (details: readonly ErrorDetail[]): void => {
  if (details.length === 0) return;
  const names = details.map((detail) => detail.field).join(', ');
  throw new ValidationError(`${names}: ${details[0]?.message ?? 'invalid text'}`, details);
};

/**
 * Refuses text no backend can carry unchanged anywhere in `value` (see `shared/text.ts`: lone
 * surrogates always, NUL unless `allowNul`), naming every offending field: no backend may fail
 * on it with a driver error or store it lossily.
 */
export const assertStorableText = (value: unknown, field: string, rule: TextRule = {}): void =>
  throwTextProblems(textProblems(value, field, [], rule));

const JSON_TEXT: TextRule = { allowNul: true };

/** One event's text: its names strictly, its data and metadata as JSON text (NUL allowed). */
const assertEventText = (event: NewEvent, at: string): void => {
  // Tags were checked with the other string lists; the names left are the event's own strings.
  const { data, metadata, tags: _tags, ...names } = event;
  const details = textProblems(names, at);
  textProblems(data, `${at}/data`, details, JSON_TEXT);
  if (metadata !== undefined) textProblems(metadata, `${at}/metadata`, details, JSON_TEXT);
  throwTextProblems(details);
};

export const validateStreamId = (streamId: unknown): string => {
  if (typeof streamId !== 'string') throw invalid('streamId', 'must be a string');
  if (streamId.length === 0) throw invalid('streamId', 'must not be empty');
  if (streamId.length > MAX_STREAM_ID_LENGTH)
    throw invalid('streamId', `must be at most ${MAX_STREAM_ID_LENGTH} characters`);
  assertStorableText(streamId, 'streamId');
  return streamId;
};

export const validateRevision = (field: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw invalid(field, 'must be a non-negative integer');
  return value;
};

export const validatePosition = (field: string, value: unknown): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw invalid(field, 'must be a non-negative integer position');
  return value;
};

export const validateMaxCount = (value: unknown): number | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw invalid('maxCount', 'must be a positive integer');
  return value;
};

const REVISION_KEYWORDS = new Set(['no-stream', 'exists', 'any']);

/**
 * An append's or delete's expectation. `-1`, the revision `streamState` and a repeat on a
 * soft-deleted stream report, expects what `'no-stream'` does, so such a repeat's
 * `nextExpectedRevision` is accepted back; other negative numbers stay invalid.
 */
export const validateExpectedRevision = (value: unknown): ExpectedRevision => {
  if (value === undefined) return 'any';
  if (value === NO_LIVE_REVISION) return 'no-stream';
  if (typeof value === 'number') return validateRevision('expectedRevision', value);
  if (typeof value === 'string' && REVISION_KEYWORDS.has(value)) return value as ExpectedRevision;
  throw invalid(
    'expectedRevision',
    `must be a non-negative integer, "no-stream", "exists" or "any" (got ${JSON.stringify(value) ?? String(value)})`,
  );
};

const validateStringList = (field: string, value: unknown, maxLength: number): readonly string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(field, 'must be an array of strings');
  for (const item of value) {
    if (typeof item !== 'string' || item.length === 0 || item.length > maxLength)
      throw invalid(field, `must hold non-empty strings of at most ${maxLength} characters`);
  }
  assertStorableText(value, toPointer(field));
  return value as readonly string[];
};

const validateQueryItem = (item: unknown, field: string): QueryItem => {
  if (typeof item !== 'object' || item === null) throw invalid(field, 'must be an object');
  const { types, tags } = item as QueryItem;
  return {
    types: validateStringList(`${field}.types`, types, MAX_TYPE_LENGTH),
    tags: validateStringList(`${field}.tags`, tags, MAX_TAG_LENGTH),
  };
};

/** Normalizes a query to a non-empty list of items with defined (possibly empty) lists. */
export const normalizeQuery = (query: Query, field = 'query'): readonly QueryItem[] => {
  const items = Array.isArray(query) ? query : [query];
  if (items.length === 0) throw invalid(field, 'must hold at least one item');
  return items.map((item, index) =>
    validateQueryItem(item, Array.isArray(query) ? `${field}[${index}]` : field),
  );
};

/**
 * Walks a value and rejects anything JSON would silently change or refuse: functions, symbols,
 * `undefined` in arrays, BigInt, non-finite numbers, cycles and non-plain objects such as Date.
 */
const walkJson = (value: unknown, path: string, seen: Set<object>): void => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value))
        throw new SerializationError(`${path}: ${value} is not representable in JSON`);
      return;
    case 'object': {
      if (value === null) return;
      if (seen.has(value)) throw new SerializationError(`${path}: circular reference`);
      const proto = Object.getPrototypeOf(value);
      if (Array.isArray(value)) {
        seen.add(value);
        value.forEach((item, index) => {
          if (item === undefined) throw new SerializationError(`${path}[${index}]: undefined is not JSON`);
          walkJson(item, `${path}[${index}]`, seen);
        });
        seen.delete(value);
        return;
      }
      if (proto !== Object.prototype && proto !== null)
        throw new SerializationError(
          `${path}: ${proto?.constructor?.name ?? 'object'} is not a plain JSON object`,
        );
      seen.add(value);
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) walkJson(item, `${path}.${key}`, seen);
      }
      seen.delete(value);
      return;
    }
    default:
      throw new SerializationError(`${path}: ${typeof value} is not JSON`);
  }
};

/**
 * Walks a value and rejects anything JSON would silently change or refuse: functions, symbols,
 * `undefined` in arrays, BigInt, non-finite numbers, cycles and non-plain objects such as Date
 * (a `SerializationError`); then text no backend can store unchanged (a `ValidationError`).
 */
export const assertJson = (value: unknown, path: string): void => {
  walkJson(value, path, new Set());
  assertStorableText(value, toPointer(path), JSON_TEXT);
};

/** Checks the shape of events before anything is written. */
export const validateNewEvents = (events: unknown): readonly NewEvent[] => {
  if (!Array.isArray(events)) throw invalid('events', 'must be an array');
  if (events.length === 0) throw invalid('events', 'must hold at least one event');
  // An id given twice in one append could never be stored twice; reject it before any backend
  // turns it into a unique-constraint failure halfway through a write.
  const seenIds = new Set<unknown>();
  events.forEach((event: unknown, index) => {
    const at = `events[${index}]`;
    if (typeof event !== 'object' || event === null) throw invalid(at, 'must be an object');
    const { type, data, id, tags, metadata, time, source } = event as NewEvent;
    if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH)
      throw invalid(`${at}.type`, `must be a non-empty string of at most ${MAX_TYPE_LENGTH} characters`);
    if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH))
      throw invalid(`${at}.id`, `must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
    if (id !== undefined) {
      if (seenIds.has(id)) throw invalid(`${at}.id`, 'is given to another event of this append');
      seenIds.add(id);
    }
    if (time !== undefined && (typeof time !== 'string' || Number.isNaN(Date.parse(time))))
      throw invalid(`${at}.time`, 'must be an ISO 8601 timestamp');
    if (source !== undefined && (typeof source !== 'string' || source.length === 0))
      throw invalid(`${at}.source`, 'must be a non-empty string');
    validateStringList(`${at}.tags`, tags, MAX_TAG_LENGTH);
    if (data === undefined) throw new SerializationError(`${at}.data: must be present (use {} or null)`);
    walkJson(data, `${at}.data`, new Set());
    if (metadata !== undefined) {
      if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
        throw invalid(`${at}.metadata`, 'must be an object');
      walkJson(metadata, `${at}.metadata`, new Set());
    }
    // Last, so a value JSON cannot hold stays a SerializationError; the whole event is walked,
    // so type, id, tags, source, time, data and metadata are all covered by the one rule.
    assertEventText(event as NewEvent, `events/${index}`);
  });
  return events as readonly NewEvent[];
};

export interface ValidatedAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
  readonly condition?: { readonly query: readonly QueryItem[]; readonly after: number };
}

/** Validates every argument of `append`; throws a typed error before anything is stored. */
export const validateAppend = (
  streamId: unknown,
  events: unknown,
  options: AppendOptions | undefined,
): ValidatedAppend => {
  const validStreamId = validateStreamId(streamId);
  const validEvents = validateNewEvents(events);
  const expectedRevision = validateExpectedRevision(options?.expectedRevision);
  const condition = options?.condition;
  if (condition === undefined) return { streamId: validStreamId, events: validEvents, expectedRevision };
  return {
    streamId: validStreamId,
    events: validEvents,
    expectedRevision,
    condition: {
      query: normalizeQuery(condition.query, 'condition.query'),
      after: validatePosition('condition.after', condition.after),
    },
  };
};

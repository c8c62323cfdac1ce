import type { ErrorDetail } from '../core/errors.js';

/**
 * Text every backend can carry unchanged. A lone UTF-16 surrogate has no UTF-8 form: SQLite and
 * the pg driver turn it into U+FFFD (a lossy write, after which a stored id no longer equals the
 * given one), so it is refused everywhere. U+0000 cannot sit in a PostgreSQL `text` column (a raw
 * SQLSTATE), so it is refused in ids, types, tags and keys; inside JSON values (event data and
 * metadata, command data) every backend stores it exactly as JSON text, which the event store
 * contract promises, so there it is allowed (`allowNul`).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what this looks for.
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
/** Exactly the bad code units (a NUL, a surrogate without its partner), for naming a bad key. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is one of the units it names.
const BAD_UNITS = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const NUL_MESSAGE = 'must not contain U+0000 (NUL)';
const SURROGATE_MESSAGE = 'must not contain a lone UTF-16 surrogate';

/** Most problems one walk reports: enough to name every field of a real request, never an echo of a huge one. */
const MAX_PROBLEMS = 20;

const isHigh = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Why a string cannot be stored, or undefined. One regex test; the exact scan only for suspects. */
export const textProblem = (text: string, allowNul = false): string | undefined => {
  if (!SUSPECT.test(text)) return undefined;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0 && !allowNul) return NUL_MESSAGE;
    if (isHigh(code) && isLow(text.charCodeAt(index + 1))) index += 1;
    else if (isHigh(code) || isLow(code)) return SURROGATE_MESSAGE;
  }
  return undefined;
};

/** A JSON-pointer segment (RFC 6901 escapes), with uncarriable characters shown as U+FFFD. */
const segment = (key: string): string => {
  const escaped = key.replaceAll('~', '~0').replaceAll('/', '~1');
  return textProblem(escaped) === undefined ? escaped : escaped.replace(BAD_UNITS, '\uFFFD');
};

/** Joins a pointer prefix and a key; an empty prefix names a top-level field bare (`streamId`). */
export const pointer = (prefix: string, key: string | number): string =>
  prefix === '' ? segment(String(key)) : `${prefix}/${segment(String(key))}`;

/** What a walk accepts: `allowNul` for JSON values the stores keep as JSON text. */
export interface TextRule {
  readonly allowNul?: boolean;
}

const walk = (
  value: unknown,
  at: string,
  out: ErrorDetail[],
  ancestors: Set<object>,
  allowNul: boolean,
): void => {
  if (out.length >= MAX_PROBLEMS) return;
  if (typeof value === 'string') {
    const problem = textProblem(value, allowNul);
    if (problem) out.push({ field: at, message: problem });
    return;
  }
  // Cycles are another check's business (they are not JSON); here they only must not loop.
  if (typeof value !== 'object' || value === null || ancestors.has(value)) return;
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1)
      walk(value[index], pointer(at, index), out, ancestors, allowNul);
  } else {
    for (const key of Object.keys(value)) {
      const problem = textProblem(key, allowNul);
      // A key is stored as text too: name the object and say which key is wrong.
      if (problem) out.push({ field: pointer(at, key), message: `key ${problem}` });
      walk((value as Record<string, unknown>)[key], pointer(at, key), out, ancestors, allowNul);
    }
  }
  ancestors.delete(value);
};

/**
 * Every string (values and object keys) under `value` that a backend cannot store unchanged,
 * each named by its JSON-pointer-like path below `at` (e.g. `data/pickupAddress`, `tags/0`).
 */
export const textProblems = (
  value: unknown,
  at: string,
  out: ErrorDetail[] = [],
  rule: TextRule = {},
): ErrorDetail[] => {
  walk(value, at, out, new Set(), rule.allowNul === true);
  return out;
};

import { isDeepStrictEqual } from 'node:util';

/** Stable one-line JSON: keys sorted, so two equal values render the same. */
export const renderValue = (value: unknown): string => JSON.stringify(sortKeys(value)) ?? String(value);

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
};

/**
 * Renders two lists line by line, like a unified diff: `  ` same, `- ` expected only, `+ ` actual
 * only. Lists are compared by index, which is what event order means.
 */
export const renderListDiff = (expected: readonly unknown[], actual: readonly unknown[]): string => {
  const lines: string[] = [];
  const length = Math.max(expected.length, actual.length);
  for (let index = 0; index < length; index += 1) {
    const hasExpected = index < expected.length;
    const hasActual = index < actual.length;
    const left = expected[index];
    const right = actual[index];
    if (hasExpected && hasActual && isDeepStrictEqual(sortKeys(left), sortKeys(right))) {
      lines.push(`    [${index}] ${renderValue(left)}`);
      continue;
    }
    if (hasExpected) lines.push(`  - [${index}] ${renderValue(left)}`);
    if (hasActual) lines.push(`  + [${index}] ${renderValue(right)}`);
  }
  if (lines.length === 0) lines.push('    (no events)');
  return lines.join('\n');
};

/** Renders expected vs actual values (read models) one under the other. */
export const renderValueDiff = (expected: unknown, actual: unknown): string =>
  `  - expected: ${renderValue(expected)}\n  + actual:   ${renderValue(actual)}`;

/** Same comparison the diff uses: deep, strict, insensitive to key order and undefined keys. */
export const sameValue = (left: unknown, right: unknown): boolean =>
  isDeepStrictEqual(sortKeys(left), sortKeys(right));

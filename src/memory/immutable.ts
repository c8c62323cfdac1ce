/**
 * The memory store hands out the objects it keeps. A JSON copy, deeply frozen, gives it what a
 * durable backend gets for free from serialization: later changes to the caller's input cannot
 * rewrite history, a reader cannot change what other readers see, and `undefined` properties
 * disappear exactly as they do on disk.
 */
export const frozenJsonCopy = <T>(value: T): T => deepFreeze(JSON.parse(JSON.stringify(value)) as T);

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
};

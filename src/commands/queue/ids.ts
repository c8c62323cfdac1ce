import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = Buffer.alloc(POOL_IDS * 8);
let poolOffset = pool.length;
let lastMs = 0;
let counter = 0;

const hex = (value: number, digits: number): string => value.toString(16).padStart(digits, '0');

/**
 * A time-ordered UUID (RFC 9562 version 7): 48-bit millisecond timestamp, a 12-bit counter that
 * keeps ids from one process increasing within a millisecond, then 62 random bits.
 *
 * Why not `randomUUID`: ids are keys of B-tree indexes (command log, streams, events, read
 * models). Random keys land on a random leaf page each, so a group commit of N writes dirties
 * about N pages per index and every page is written to the WAL again; increasing keys append at
 * the right edge, and one commit dirties a handful of pages whatever its size.
 */
export const timeOrderedId = (): string => {
  let ms = Date.now();
  if (ms <= lastMs) {
    // Same millisecond (or the clock stepped back): keep increasing from the last id.
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      ms += 1;
      counter = 0;
    }
  } else counter = 0;
  lastMs = ms;
  if (poolOffset + 8 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const high = pool.readUInt32BE(poolOffset);
  const low = pool.readUInt32BE(poolOffset + 4);
  poolOffset += 8;
  const time = hex(ms, 12);
  // Variant bits `10` on top of the random part; the random part keeps 30 + 32 bits.
  const variant = ((high >>> 16) & 0x3fff) | 0x8000;
  return `${time.slice(0, 8)}-${time.slice(8)}-${hex(0x7000 | counter, 4)}-${hex(variant, 4)}-${hex(high & 0xffff, 4)}${hex(low, 8)}`;
};

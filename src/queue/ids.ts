import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = Buffer.alloc(POOL_IDS * 8);
let poolOffset = pool.length;
let lastMs = 0;
let counter = 0;

/** Two hex digits per byte value: formatting from a table is several times faster than toString(16). */
const HEX = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));
const hex16 = (value: number): string => (HEX[(value >>> 8) & 0xff] as string) + HEX[value & 0xff];
const hex32 = (value: number): string => hex16(value >>> 16) + hex16(value & 0xffff);

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
  // 48-bit timestamp as 32 + 16 bits (bit operators work on 32 bits only).
  const timeHigh = Math.floor(ms / 0x10000);
  // Variant bits `10` on top of the random part; the random part keeps 14 + 16 + 32 bits.
  const variant = ((high >>> 16) & 0x3fff) | 0x8000;
  return `${hex32(timeHigh)}-${hex16(ms & 0xffff)}-${hex16(0x7000 | counter)}-${hex16(variant)}-${hex16(high & 0xffff)}${hex32(low)}`;
};

import type { Database, Statement } from 'better-sqlite3';
import type { QueryItem } from '../../core/store.js';
import { EVENT_COLUMNS, type EventRow } from './rows.js';

/**
 * Queries by types × tags, as index walks that stop early:
 * - an item with tags walks `ef_event_tags (tag, position)` for its first tag in position order and
 *   joins the other tags on their primary key (tag, position), then filters by type;
 * - an item with types only walks `ef_events (type, position)` once per type (an `IN` list over
 *   the first index column would make SQLite sort instead of walking in order);
 * - an item with neither matches every event.
 * Each walk is limited, so "newest match after P" (DCB conditions) costs one B-tree descent per
 * walk, and a page of `maxCount` events reads at most `maxCount` rows per walk.
 */
export interface QueryRunner {
  /** Rows matching any item with a position > `after`, in position order, at most `limit` (-1 = all). */
  readonly rows: (items: readonly QueryItem[], after: number, limit: number) => EventRow[];
  /** Newest position > `after` matching any item, or 0 when none. */
  readonly newest: (items: readonly QueryItem[], after: number) => number;
}

interface Walk {
  readonly tags: readonly string[];
  readonly types: readonly string[];
}

/** `rows`: matching events in position order; `newest`: the newest matching position only. */
export type WalkMode = 'rows' | 'newest';

/** Splits items into walks that each follow one index in order. Items are already normalized. */
const toWalks = (items: readonly QueryItem[]): readonly Walk[] | 'all' => {
  const walks: Walk[] = [];
  for (const item of items) {
    const tags = item.tags ?? [];
    const types = item.types ?? [];
    if (tags.length > 0) walks.push({ tags, types });
    else if (types.length > 0) for (const type of types) walks.push({ tags: [], types: [type] });
    else return 'all';
  }
  return walks;
};

const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

/** SQL of a walk over one tag's positions (the first tag), joining the others. */
export const tagWalkSql = (tagCount: number, typeCount: number, mode: WalkMode): string => {
  const joins = Array.from(
    { length: tagCount - 1 },
    (_, index) =>
      `JOIN ef_event_tags t${index + 1} ON t${index + 1}.tag = ? AND t${index + 1}.position = t0.position`,
  ).join(' ');
  const needEvents = mode === 'rows' || typeCount > 0;
  const eventJoin = needEvents ? 'JOIN ef_events e ON e.position = t0.position' : '';
  const typeFilter = typeCount > 0 ? `AND e.type IN (${placeholders(typeCount)})` : '';
  const columns =
    mode === 'rows'
      ? EVENT_COLUMNS.split(', ')
          .map((column) => `e.${column}`)
          .join(', ')
      : 't0.position';
  const order = mode === 'rows' ? 'ASC' : 'DESC';
  return `SELECT ${columns} FROM ef_event_tags t0 ${joins} ${eventJoin}
    WHERE t0.tag = ? AND t0.position > ? ${typeFilter}
    ORDER BY t0.position ${order} LIMIT ?`;
};

/** SQL of a walk over one type's positions. */
export const typeWalkSql = (mode: WalkMode): string =>
  mode === 'rows'
    ? `SELECT ${EVENT_COLUMNS} FROM ef_events WHERE type = ? AND position > ? ORDER BY position LIMIT ?`
    : 'SELECT position FROM ef_events WHERE type = ? AND position > ? ORDER BY position DESC LIMIT ?';

const walkParams = (walk: Walk, after: number, limit: number): (string | number)[] =>
  walk.tags.length > 0
    ? [...walk.tags.slice(1), walk.tags[0] as string, after, ...walk.types, limit]
    : [walk.types[0] as string, after, limit];

export const createQueryRunner = (
  db: Database,
  readAll: Statement<[number, number], EventRow>,
  head: Statement<[], number>,
): QueryRunner => {
  const cache = new Map<string, Statement<(string | number)[], unknown>>();
  const statementFor = (walk: Walk, mode: WalkMode): Statement<(string | number)[], unknown> => {
    const key = `${mode}:${walk.tags.length}:${walk.tags.length > 0 ? walk.types.length : 1}`;
    let statement = cache.get(key);
    if (statement === undefined) {
      const sql =
        walk.tags.length > 0 ? tagWalkSql(walk.tags.length, walk.types.length, mode) : typeWalkSql(mode);
      statement = db.prepare<(string | number)[], unknown>(sql);
      if (mode === 'newest') statement.pluck();
      cache.set(key, statement);
    }
    return statement;
  };

  const mergeWalks = (walks: readonly Walk[], after: number, limit: number): EventRow[] => {
    const byPosition = new Map<number, EventRow>();
    for (const walk of walks) {
      const found = statementFor(walk, 'rows').all(...walkParams(walk, after, limit)) as EventRow[];
      for (const row of found) byPosition.set(row.position, row);
    }
    const merged = [...byPosition.values()].sort((a, b) => a.position - b.position);
    return limit >= 0 ? merged.slice(0, limit) : merged;
  };
  // Several walks run in one read transaction: otherwise a commit landing between two walks could
  // show its event to the second walk only, and a reader paging by position would skip an earlier one.
  const mergeWalksInSnapshot = db.transaction(mergeWalks);

  return {
    rows: (items, after, limit) => {
      const walks = toWalks(items);
      if (walks === 'all') return readAll.all(after, limit);
      return walks.length === 1 ? mergeWalks(walks, after, limit) : mergeWalksInSnapshot(walks, after, limit);
    },
    newest: (items, after) => {
      const walks = toWalks(items);
      if (walks === 'all') {
        const last = head.get() ?? 0;
        return last > after ? last : 0;
      }
      let newest = 0;
      for (const walk of walks) {
        const found = statementFor(walk, 'newest').get(...walkParams(walk, after, 1)) as number | undefined;
        if (found !== undefined && found > newest) newest = found;
      }
      return newest;
    },
  };
};

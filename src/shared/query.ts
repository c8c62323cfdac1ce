import type { RecordedEvent } from '../core/envelope.js';
import type { QueryItem } from '../core/store.js';

/** True when the event matches at least one normalized query item. */
export const matchesQuery = (
  event: Pick<RecordedEvent, 'type' | 'tags'>,
  items: readonly QueryItem[],
): boolean =>
  items.some(
    (item) =>
      (!item.types || item.types.length === 0 || item.types.includes(event.type)) &&
      (!item.tags || item.tags.every((tag) => event.tags.includes(tag))),
  );

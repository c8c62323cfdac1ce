import type { Snapshot, SnapshotStore } from '../commands/types.js';
import { assertJson } from '../shared/validate.js';

/**
 * Snapshots in process memory. States are copied through JSON on save and load, so a test sees the
 * same values a durable snapshot store would give back (no shared references, no Dates).
 */
export const createMemorySnapshotStore = (): SnapshotStore & { readonly size: () => number } => {
  const snapshots = new Map<string, string>();
  return {
    load: async (key) => {
      const stored = snapshots.get(key);
      return stored === undefined ? undefined : (JSON.parse(stored) as Snapshot);
    },
    save: async (key, snapshot) => {
      assertJson(snapshot.state, 'snapshot state');
      snapshots.set(key, JSON.stringify(snapshot));
    },
    size: () => snapshots.size,
  };
};

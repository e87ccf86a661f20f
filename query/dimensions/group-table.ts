// Maps a group key to a dense group id within the current time bucket. Rows arrive bucket by bucket
// (they are time-sorted), so a table only ever holds one bucket's keys and is reset between buckets.
export interface GroupTable {
  /** The group id of the key in the current bucket, or -1. */
  get(key: number): number;
  set(key: number, group: number): void;
  /** Forget every key (a new bucket starts). */
  reset(): void;
}

/** Keys below `size` index a typed array directly; a generation stamp makes reset O(1). */
export class DenseGroupTable implements GroupTable {
  private readonly groups: Int32Array;
  private readonly stamps: Uint32Array;
  private generation = 1;

  constructor(size: number) {
    this.groups = new Int32Array(size);
    this.stamps = new Uint32Array(size);
  }

  get(key: number): number {
    return this.stamps[key] === this.generation ? this.groups[key]! : -1;
  }

  set(key: number, group: number): void {
    this.stamps[key] = this.generation;
    this.groups[key] = group;
  }

  reset(): void {
    this.generation++;
  }
}

export class MapGroupTable implements GroupTable {
  private readonly groups = new Map<number, number>();

  get(key: number): number {
    return this.groups.get(key) ?? -1;
  }

  set(key: number, group: number): void {
    this.groups.set(key, group);
  }

  reset(): void {
    this.groups.clear();
  }
}

/** Largest key space indexed densely (two 4-byte arrays per slot). */
export const DENSE_KEY_SPACE_MAX = 1 << 21;

/** Dense when the key space is small in absolute terms and relative to the rows to group (entryCount). */
export function groupTableFor(keySpace: number, entryCount: number): GroupTable {
  const denseLimit = Math.min(DENSE_KEY_SPACE_MAX, Math.max(1 << 16, entryCount * 2));
  return keySpace <= denseLimit ? new DenseGroupTable(keySpace) : new MapGroupTable();
}

// The DeepStorage seam: where published segment files live durably. Implementations:
// local-deep-storage.ts (a directory; the embedded default), S3 (cluster).
export interface DeepStorage {
  /** Copy a local file into deep storage under `key`, atomically (readers never see a partial file). */
  push(localPath: string, key: string): Promise<void>;
  /** Copy the object at `key` to a local file path (overwriting it). Throws not_found if absent. */
  pull(key: string, localPath: string): Promise<void>;
  /** Delete the object; deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Whether an object exists under `key`. */
  exists(key: string): Promise<boolean>;
}

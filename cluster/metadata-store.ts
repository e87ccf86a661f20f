// The MetadataStore seam: published segments and tasks (later supervisors, rules, compaction
// configs). Implementations: sqlite-metadata-store.ts (embedded default), PostgreSQL (cluster).
import type { SegmentInfo, TimeInterval } from '../segment-format/segment-metadata.js';
import type { PublishPrecondition } from './publish-precondition.js';

/** A published segment as the metadata store records it. */
export interface SegmentRecord {
  readonly id: string;
  readonly dataSource: string;
  readonly interval: TimeInterval;
  readonly version: string;
  readonly partition: number;
  /** Whether the coordinator should keep it loaded. Overshadowed/dropped segments become unused. */
  readonly used: boolean;
  /** Key of the segment file in deep storage. */
  readonly deepStorageKey: string;
  readonly sizeBytes: number;
  readonly info: SegmentInfo;
  /** When it was published, ms since the epoch. */
  readonly createdMs: number;
}

export type TaskState = 'RUNNING' | 'SUCCESS' | 'FAILED';

export interface TaskRecord {
  readonly id: string;
  readonly type: string;
  readonly dataSource: string;
  readonly state: TaskState;
  readonly createdMs: number;
  /** Set when the task finished. */
  readonly durationMs: number | null;
  readonly errorMessage: string | null;
  /** The submitted spec. */
  readonly spec: unknown;
  /** The task report (row stats, parse exceptions); null until the task writes one. */
  readonly report: unknown;
}

export interface MetadataStore {
  /**
   * Publish segments atomically: all become used and visible together, or none do.
   * `markUnused` lists segment ids the publish overshadows and retires in the same transaction.
   * With a `precondition`, the publish commits only if the used segments overlapping its interval
   * are exactly the expected ones at that moment; otherwise it throws conflict and writes nothing.
   * Publishes to one datasource are serialized, so the check and the write are atomic.
   */
  publishSegments(segments: readonly SegmentRecord[], markUnused?: readonly string[], precondition?: PublishPrecondition): Promise<void>;
  /** Used segments, optionally of one datasource, optionally overlapping an interval. */
  usedSegments(dataSource?: string, interval?: TimeInterval): Promise<SegmentRecord[]>;
  /** All segments (used or not) of a datasource. */
  allSegments(dataSource: string): Promise<SegmentRecord[]>;
  /** Mark the given segments unused; returns how many changed. */
  markUnused(segmentIds: readonly string[]): Promise<number>;
  /** Names of datasources with at least one used segment. */
  dataSources(): Promise<string[]>;

  insertTask(task: TaskRecord): Promise<void>;
  updateTask(id: string, change: Partial<Pick<TaskRecord, 'state' | 'durationMs' | 'errorMessage' | 'report'>>): Promise<void>;
  task(id: string): Promise<TaskRecord | undefined>;
  tasks(): Promise<TaskRecord[]>;

  close(): Promise<void>;
}

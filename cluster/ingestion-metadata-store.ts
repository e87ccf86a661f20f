// The IngestionMetadataStore seam: streaming supervisors, the stream offsets their published
// segments cover, cluster-wide configs (auto-compaction, rules), an audit log, and deletion of
// killed segments. Implemented by the same classes as MetadataStore, because publishing segments
// together with offsets must be ONE transaction (Druid's exactly-once rule).
import type { SegmentRecord } from './metadata-store.js';

export type SupervisorState = 'RUNNING' | 'SUSPENDED' | 'TERMINATED';

export interface SupervisorRecord {
  /** Independent of the datasource: several supervisors (topics) may feed one datasource. */
  readonly id: string;
  readonly dataSource: string;
  /** "kafka". */
  readonly type: string;
  /** The submitted supervisor spec JSON. */
  readonly spec: unknown;
  readonly state: SupervisorState;
  readonly createdMs: number;
  readonly updatedMs: number;
}

/**
 * Stream positions per partition, keyed "topic:partition" → the next offset to read (the offset
 * after the last record whose rows are published).
 */
export type StreamOffsets = Readonly<Record<string, number>>;

export interface AuditEntry {
  /** What the entry is about, e.g. "supervisor:wiki-kafka" or "compaction:wikipedia". */
  readonly key: string;
  /** What happened, e.g. "reset", "submit", "config". */
  readonly type: string;
  readonly author: string;
  readonly comment: string;
  readonly payload: unknown;
  readonly createdMs: number;
}

export interface IngestionMetadataStore {
  /** Insert or replace a supervisor by id. */
  upsertSupervisor(record: SupervisorRecord): Promise<void>;
  supervisor(id: string): Promise<SupervisorRecord | undefined>;
  /** Every supervisor, terminated ones included, ordered by id. */
  supervisors(): Promise<SupervisorRecord[]>;

  /** Offsets covered by the supervisor's published segments; null before its first publish or after a reset. */
  committedOffsets(supervisorId: string): Promise<StreamOffsets | null>;
  /**
   * Atomically: check that the committed offsets of every partition in `startOffsets` equal
   * `startOffsets` (a partition never committed matches any start), publish the segments, and
   * record `endOffsets` over the committed ones. A mismatch throws SedimentError('conflict') and
   * changes nothing — so a task that lost its lease or a replayed publish can never duplicate rows.
   */
  publishSegmentsWithOffsets(
    segments: readonly SegmentRecord[],
    supervisorId: string,
    startOffsets: StreamOffsets,
    endOffsets: StreamOffsets,
  ): Promise<void>;
  /** Forget the committed offsets (Druid's supervisor reset); audited. */
  resetOffsets(supervisorId: string, audit: Omit<AuditEntry, 'key' | 'type' | 'payload' | 'createdMs'>): Promise<void>;

  /** A named config JSON (e.g. "compaction", "rules"); undefined if never set. */
  config(name: string): Promise<unknown>;
  /** Set a named config; audited. */
  setConfig(name: string, value: unknown, audit: Omit<AuditEntry, 'key' | 'type' | 'payload' | 'createdMs'>): Promise<void>;

  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries for a key, oldest first. */
  auditLog(key: string): Promise<AuditEntry[]>;

  /** Delete segment records (kill). Refuses, changing nothing, if any of them is still used. Returns how many were deleted. */
  deleteUnusedSegments(segmentIds: readonly string[]): Promise<number>;
}

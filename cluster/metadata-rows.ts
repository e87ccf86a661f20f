// The metadata tables' row shapes and their mapping to records, shared by the SQLite and PostgreSQL
// stores (one schema, metadata-schema.ts). The drivers differ only in how BOOLEAN comes back:
// SQLite returns 0/1, PostgreSQL true/false.
import type { AuditEntry, SupervisorRecord, SupervisorState } from './ingestion-metadata-store.js';
import type { SegmentRecord, TaskRecord, TaskState } from './metadata-store.js';
import type { SegmentInfo } from '../segment-format/segment-metadata.js';

export interface SegmentRow {
  id: string;
  data_source: string;
  start_ms: number;
  end_ms: number;
  version: string;
  partition_number: number;
  used: boolean | number;
  deep_storage_key: string;
  size_bytes: number;
  payload: string;
  created_ms: number;
}

export interface TaskRow {
  id: string;
  type: string;
  data_source: string;
  state: string;
  created_ms: number;
  duration_ms: number | null;
  error_message: string | null;
  spec: string;
  report: string | null;
}

export interface SupervisorRow {
  id: string;
  data_source: string;
  type: string;
  spec: string;
  state: string;
  created_ms: number;
  updated_ms: number;
}

export interface AuditRow {
  audit_key: string;
  audit_type: string;
  author: string;
  comment: string;
  payload: string;
  created_ms: number;
}

export const segmentColumns =
  'id, data_source, start_ms, end_ms, version, partition_number, used, deep_storage_key, size_bytes, payload, created_ms';
export const segmentOrder = 'ORDER BY data_source, start_ms, end_ms, version, partition_number';

export function segmentFromRow(row: SegmentRow): SegmentRecord {
  return {
    id: row.id,
    dataSource: row.data_source,
    interval: { startMs: row.start_ms, endMs: row.end_ms },
    version: row.version,
    partition: row.partition_number,
    used: row.used === true || row.used === 1,
    deepStorageKey: row.deep_storage_key,
    sizeBytes: row.size_bytes,
    info: JSON.parse(row.payload) as SegmentInfo,
    createdMs: row.created_ms,
  };
}

export function taskFromRow(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    type: row.type,
    dataSource: row.data_source,
    state: row.state as TaskState,
    createdMs: row.created_ms,
    durationMs: row.duration_ms,
    errorMessage: row.error_message,
    spec: JSON.parse(row.spec) as unknown,
    report: row.report === null ? null : (JSON.parse(row.report) as unknown),
  };
}

export function supervisorFromRow(row: SupervisorRow): SupervisorRecord {
  return {
    id: row.id,
    dataSource: row.data_source,
    type: row.type,
    spec: JSON.parse(row.spec) as unknown,
    state: row.state as SupervisorState,
    createdMs: row.created_ms,
    updatedMs: row.updated_ms,
  };
}

export function auditEntryFromRow(row: AuditRow): AuditEntry {
  return {
    key: row.audit_key,
    type: row.audit_type,
    author: row.author,
    comment: row.comment,
    payload: JSON.parse(row.payload) as unknown,
    createdMs: row.created_ms,
  };
}

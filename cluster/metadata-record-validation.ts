// Checks a metadata store applies to records before writing them, so every store rejects the same
// bad input with the same field paths.
import { invalidInput } from './errors.js';
import type { SegmentRecord, TaskRecord, TaskState } from './metadata-store.js';
import type { AuditEntry, StreamOffsets, SupervisorRecord, SupervisorState } from './ingestion-metadata-store.js';

export const taskStates: readonly TaskState[] = ['RUNNING', 'SUCCESS', 'FAILED'];

/** Throws invalid_input naming `${path}.field` for the first malformed field of `segment`. */
export function validateSegmentRecord(segment: SegmentRecord, path: string): void {
  if (typeof segment.id !== 'string' || segment.id === '') throw invalidInput(`${path}.id`, 'must be a non-empty string');
  if (typeof segment.dataSource !== 'string' || segment.dataSource === '') {
    throw invalidInput(`${path}.dataSource`, 'must be a non-empty string');
  }
  const { startMs, endMs } = segment.interval;
  if (!Number.isSafeInteger(startMs) || !Number.isSafeInteger(endMs) || startMs >= endMs) {
    throw invalidInput(`${path}.interval`, `must be integer ms with start < end, got [${startMs}, ${endMs})`);
  }
  if (typeof segment.version !== 'string' || segment.version === '') throw invalidInput(`${path}.version`, 'must be a non-empty string');
  if (!Number.isSafeInteger(segment.partition) || segment.partition < 0) {
    throw invalidInput(`${path}.partition`, 'must be a non-negative integer');
  }
  if (typeof segment.deepStorageKey !== 'string' || segment.deepStorageKey === '') {
    throw invalidInput(`${path}.deepStorageKey`, 'must be a non-empty string');
  }
  if (!Number.isSafeInteger(segment.sizeBytes) || segment.sizeBytes < 0) {
    throw invalidInput(`${path}.sizeBytes`, 'must be a non-negative integer');
  }
  if (!Number.isSafeInteger(segment.createdMs)) throw invalidInput(`${path}.createdMs`, 'must be integer ms');
}

/** Throws invalid_input naming the first malformed field of `task`. */
export function validateTaskRecord(task: TaskRecord): void {
  if (typeof task.id !== 'string' || task.id === '') throw invalidInput('id', 'must be a non-empty string');
  if (typeof task.type !== 'string' || task.type === '') throw invalidInput('type', 'must be a non-empty string');
  if (typeof task.dataSource !== 'string') throw invalidInput('dataSource', 'must be a string');
  if (!taskStates.includes(task.state)) throw invalidInput('state', `must be one of ${taskStates.join(', ')}`);
  if (!Number.isSafeInteger(task.createdMs)) throw invalidInput('createdMs', 'must be integer ms');
}

export const supervisorStates: readonly SupervisorState[] = ['RUNNING', 'SUSPENDED', 'TERMINATED'];

/** Throws invalid_input naming the first malformed field of `record`. */
export function validateSupervisorRecord(record: SupervisorRecord): void {
  for (const field of ['id', 'dataSource', 'type'] as const) {
    if (typeof record[field] !== 'string' || record[field] === '') throw invalidInput(field, 'must be a non-empty string');
  }
  if (!supervisorStates.includes(record.state)) throw invalidInput('state', `must be one of ${supervisorStates.join(', ')}`);
  if (!Number.isSafeInteger(record.createdMs)) throw invalidInput('createdMs', 'must be integer ms');
  if (!Number.isSafeInteger(record.updatedMs)) throw invalidInput('updatedMs', 'must be integer ms');
}

export function validateAuthorAndComment(audit: Pick<AuditEntry, 'author' | 'comment'>): void {
  if (typeof audit.author !== 'string') throw invalidInput('author', 'must be a string');
  if (typeof audit.comment !== 'string') throw invalidInput('comment', 'must be a string');
}

/** Offsets are stored as JSON, so only their shape matters: "topic:partition" → a non-negative integer. */
export function validateOffsets(offsets: StreamOffsets, field: string): void {
  if (typeof offsets !== 'object' || offsets === null || Array.isArray(offsets)) throw invalidInput(field, 'must be an object');
  for (const [partition, offset] of Object.entries(offsets)) {
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw invalidInput(`${field}[${JSON.stringify(partition)}]`, 'must be a non-negative integer offset');
    }
  }
}

/** JSON text of a value the caller supplied; a value JSON cannot represent is bad input, not a crash. */
export function jsonText(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw invalidInput(field, `must be representable as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (text === undefined) throw invalidInput(field, 'must be a JSON value');
  return text;
}

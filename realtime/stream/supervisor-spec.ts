// Druid's Kafka supervisor spec (`{type: "kafka", spec: {dataSchema, ioConfig, tuningConfig}}`, or
// the same three objects at the top level) parsed into one immutable object. Every field is checked
// here, with errors naming the JSON path, so supervisors and tasks never see raw JSON.
import { invalidInput, SedimentError } from '../../cluster/errors.js';
import { parsePeriod } from '../../query/intervals.js';
import { parseDataSchema, parseRowLimits, type DataSchema } from '../index-task-spec.js';
import { isSpecObject, joinPath, optionalBoolean, optionalCount, optionalObject, optionalString, requireObject, type SpecObject } from '../spec-fields.js';
import { parseStreamInputFormat, type StreamInputFormat } from './stream-input-format.js';

/** Druid's defaults for Kafka supervisors. */
export const STREAM_DEFAULTS = {
  taskDurationMs: 3_600_000,
  maxRowsInMemory: 150_000,
  maxRowsPerSegment: 5_000_000,
  intermediatePersistPeriodMs: 600_000,
  handoffConditionTimeoutMs: 900_000,
} as const;

export interface StreamIoConfig {
  /** One topic, or null when `topicPattern` is used. */
  readonly topic: string | null;
  /** A regular expression over topic names (whole-name match), or null. */
  readonly topicPattern: RegExp | null;
  readonly inputFormat: StreamInputFormat;
  /** Kafka consumer properties as given; `bootstrap.servers` is always present. */
  readonly consumerProperties: Readonly<Record<string, string>>;
  /** Tasks (partition groups) the partitions are spread over: partition i goes to group i % taskCount. */
  readonly taskCount: number;
  /** Druid's replica count; the all-in-one process runs one copy of each task. */
  readonly replicas: number;
  /** How long a task's sequence runs before its segments are published and a new sequence starts. */
  readonly taskDurationMs: number;
  /** Partitions with no committed offset start at the earliest offset (true) or the latest (false). */
  readonly useEarliestOffset: boolean;
  /** Rows earlier than (sequence start - this) are thrown away; null accepts any. */
  readonly lateMessageRejectionPeriodMs: number | null;
  /** Rows later than (sequence start + taskDuration + this) are thrown away; null accepts any. */
  readonly earlyMessageRejectionPeriodMs: number | null;
}

export interface StreamTuningConfig {
  /** Rows held in memory across a task's sinks before they are persisted to disk. */
  readonly maxRowsInMemory: number;
  /** A sink reaching this many rows makes the task publish (a new sequence continues). */
  readonly maxRowsPerSegment: number;
  readonly intermediatePersistPeriodMs: number;
  /** The task stops (status says why) once more rows than this failed to parse. */
  readonly maxParseExceptions: number;
  readonly maxSavedParseExceptions: number;
  /** How long a task waits for a historical to serve a published segment before dropping its copy anyway. */
  readonly handoffConditionTimeoutMs: number;
}

export interface SupervisorSpec {
  /** The supervisor id: the spec's `id`, else the datasource. */
  readonly id: string;
  readonly type: 'kafka';
  readonly dataSchema: DataSchema;
  readonly ioConfig: StreamIoConfig;
  readonly tuningConfig: StreamTuningConfig;
  /** The submitted JSON, kept as the record of the supervisor. */
  readonly json: unknown;
}

function periodMs(object: SpecObject, key: string, path: string, fallback: number | null): number | null {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  const duration = typeof value === 'string' ? parsePeriod(value) : null;
  const ms = duration?.toMillis();
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) throw invalidInput(joinPath(path, key), 'must be an ISO-8601 period such as "PT1H"');
  return ms;
}

function parseTopicPattern(text: string, path: string): RegExp {
  try {
    return new RegExp(`^(?:${text})$`);
  } catch (error) {
    throw invalidInput(path, `is not a valid regular expression: ${(error as Error).message}`);
  }
}

function parseConsumerProperties(ioConfig: SpecObject, path: string): Record<string, string> {
  const object = requireObject(ioConfig['consumerProperties'], `${path}.consumerProperties`);
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw invalidInput(`${path}.consumerProperties.${key}`, 'must be a string, number or boolean');
    }
    properties[key] = String(value);
  }
  const servers = properties['bootstrap.servers'];
  if (servers === undefined || servers.trim() === '') throw invalidInput(`${path}.consumerProperties.bootstrap.servers`, 'must list the Kafka brokers, e.g. "localhost:9092"');
  return properties;
}

function parseIoConfig(ioConfig: SpecObject, path: string): StreamIoConfig {
  const type = ioConfig['type'];
  if (type !== undefined && type !== 'kafka') throw invalidInput(`${path}.type`, "must be 'kafka'");
  const topic = optionalString(ioConfig, 'topic', path);
  const pattern = optionalString(ioConfig, 'topicPattern', path);
  if ((topic === null || topic === '') === (pattern === null || pattern === '')) throw invalidInput(`${path}.topic`, "exactly one of 'topic' and 'topicPattern' must be given");
  const replicas = optionalCount(ioConfig, 'replicas', path, 1, 1);
  return {
    topic: topic === '' ? null : topic,
    topicPattern: pattern === null || pattern === '' ? null : parseTopicPattern(pattern, `${path}.topicPattern`),
    inputFormat: parseStreamInputFormat(ioConfig['inputFormat'], `${path}.inputFormat`),
    consumerProperties: parseConsumerProperties(ioConfig, path),
    taskCount: optionalCount(ioConfig, 'taskCount', path, 1, 1),
    replicas,
    taskDurationMs: Math.max(1, periodMs(ioConfig, 'taskDuration', path, STREAM_DEFAULTS.taskDurationMs)!),
    useEarliestOffset: optionalBoolean(ioConfig, 'useEarliestOffset', path, false),
    lateMessageRejectionPeriodMs: periodMs(ioConfig, 'lateMessageRejectionPeriod', path, null),
    earlyMessageRejectionPeriodMs: periodMs(ioConfig, 'earlyMessageRejectionPeriod', path, null),
  };
}

function parseTuning(tuning: SpecObject, path: string): StreamTuningConfig {
  const type = tuning['type'];
  if (type !== undefined && type !== 'kafka') throw invalidInput(`${path}.type`, "must be 'kafka'");
  const withDefaults = {
    ...tuning,
    maxRowsInMemory: tuning['maxRowsInMemory'] ?? STREAM_DEFAULTS.maxRowsInMemory,
    maxRowsPerSegment: tuning['maxRowsPerSegment'] ?? STREAM_DEFAULTS.maxRowsPerSegment,
  };
  const limits = parseRowLimits(withDefaults, path);
  return {
    ...limits,
    intermediatePersistPeriodMs: Math.max(1, periodMs(tuning, 'intermediatePersistPeriod', path, STREAM_DEFAULTS.intermediatePersistPeriodMs)!),
    handoffConditionTimeoutMs: optionalCount(tuning, 'handoffConditionTimeout', path, STREAM_DEFAULTS.handoffConditionTimeoutMs) || STREAM_DEFAULTS.handoffConditionTimeoutMs,
  };
}

function parseSupervisorId(root: SpecObject, dataSource: string): string {
  const id = optionalString(root, 'id', '') ?? dataSource;
  if (id === '' || id.includes('/') || /[\t\n\r]/.test(id) || id.trim() !== id) throw invalidInput('id', "must be a non-empty name without '/', tabs or newlines");
  return id;
}

/** Parses a Kafka supervisor spec; throws invalid_input naming the field, or unsupported. */
export function parseSupervisorSpec(json: unknown): SupervisorSpec {
  const root = requireObject(json, '');
  const type = root['type'] ?? 'kafka';
  if (type !== 'kafka') {
    if (type === 'kinesis' || type === 'rabbit' || type === 'autocompact' || type === 'scheduled_batch') throw new SedimentError('unsupported', `type: supervisor type '${String(type)}' is not supported (use 'kafka')`);
    throw invalidInput('type', `unknown supervisor type '${String(type)}' (expected 'kafka')`);
  }
  const wrapped = isSpecObject(root['spec']);
  const specPath = wrapped ? 'spec' : '';
  const spec = wrapped ? (root['spec'] as SpecObject) : root;
  const at = (key: string): string => joinPath(specPath, key);
  const dataSchema = parseDataSchema(requireObject(spec['dataSchema'], at('dataSchema')), at('dataSchema'));
  const ioConfig = parseIoConfig(requireObject(spec['ioConfig'], at('ioConfig')), at('ioConfig'));
  const tuningConfig = parseTuning(optionalObject(spec, 'tuningConfig', specPath), at('tuningConfig'));
  return { id: parseSupervisorId(root, dataSchema.dataSource), type: 'kafka', dataSchema, ioConfig, tuningConfig, json };
}

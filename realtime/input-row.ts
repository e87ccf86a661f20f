// Turns a raw record into an InputRow: reads the timestamp (timestampSpec), applies the expression
// transforms, then the transform filter and the granularitySpec intervals. One parser object is reused
// for every row, so parsing allocates nothing beyond what the transforms produce.
import type { TimeInterval } from '../segment-format/segment-metadata.js';
import { excerpt } from './json-reader.js';
import type { TimestampSpec } from './timestamp-spec.js';
import type { TransformSpec } from './transform-spec.js';

/** A parsed row. Valid only until the parser parses the next record (its storage is reused). */
export interface InputRow {
  /** Row time in ms (after any `__time` transform), not yet truncated to the query granularity. */
  readonly timestampMs: number;
  /** A field of the transformed row; undefined when absent. `__time` gives timestampMs. */
  get(name: string): unknown;
  /** Names of the row's fields (input fields and transform outputs), for schema discovery. */
  fieldNames(): Iterable<string>;
}

export type ParseOutcome = 'row' | 'thrownAway' | 'unparseable';

export interface RowParserSpec {
  readonly timestampSpec: TimestampSpec;
  readonly transformSpec: TransformSpec;
  readonly intervals: readonly TimeInterval[] | null;
}

export class InputRowParser implements InputRow {
  timestampMs = 0;
  /** Why the last record was unparseable (set when parse returns 'unparseable'). */
  error = '';
  private fields: Readonly<Record<string, unknown>> = {};
  private untransformedTimeMs = 0;
  private readonly transformIndex = new Map<string, number>();
  private readonly transformValues: unknown[];
  private readonly timeTransform: number;
  private readonly outputNames: string[];
  private readonly readUntransformed = (name: string): unknown => (name === '__time' ? this.untransformedTimeMs : this.fields[name]);
  private readonly readTransformed = (name: string): unknown => this.get(name);

  constructor(private readonly spec: RowParserSpec) {
    spec.transformSpec.transforms.forEach((transform, index) => this.transformIndex.set(transform.name, index));
    this.transformValues = new Array<unknown>(spec.transformSpec.transforms.length).fill(null);
    this.timeTransform = this.transformIndex.get('__time') ?? -1;
    this.outputNames = spec.transformSpec.transforms.map((transform) => transform.name).filter((name) => name !== '__time');
  }

  get(name: string): unknown {
    const index = this.transformIndex.get(name);
    if (index !== undefined) return this.transformValues[index];
    return name === '__time' ? this.timestampMs : this.fields[name];
  }

  *fieldNames(): Iterable<string> {
    for (const name in this.fields) if (!this.transformIndex.has(name)) yield name;
    yield* this.outputNames;
  }

  /** Parse one record; on 'row' this object is the InputRow. */
  parse(fields: Readonly<Record<string, unknown>>): ParseOutcome {
    this.fields = fields;
    const { timestampSpec, transformSpec } = this.spec;
    const rawTime = fields[timestampSpec.column];
    const parsedTime = rawTime === null || rawTime === undefined ? timestampSpec.missingValueMs : timestampSpec.parse(rawTime);
    if (parsedTime === null || !Number.isFinite(parsedTime)) {
      return this.fail(`Timestamp[${rawTime === undefined ? 'null' : String(rawTime)}] is unparseable! Event: ${excerpt(JSON.stringify(fields))}`);
    }
    this.untransformedTimeMs = parsedTime;
    this.timestampMs = parsedTime;
    if (!this.applyTransforms()) return 'unparseable';
    if (transformSpec.filter !== null && transformSpec.filter.matchesRow(this.readTransformed) !== true) return 'thrownAway';
    return this.withinIntervals(this.timestampMs) ? 'row' : 'thrownAway';
  }

  private applyTransforms(): boolean {
    const transforms = this.spec.transformSpec.transforms;
    for (let index = 0; index < transforms.length; index++) {
      this.transformValues[index] = transforms[index]!.expression.evaluate(this.readUntransformed);
    }
    if (this.timeTransform < 0) return true;
    const time = this.transformValues[this.timeTransform];
    if (typeof time !== 'number' || !Number.isFinite(time)) {
      this.fail(`Could not transform value for __time: expression gave ${JSON.stringify(time)}. Event: ${excerpt(JSON.stringify(this.fields))}`);
      return false;
    }
    this.timestampMs = Math.trunc(time);
    return true;
  }

  private withinIntervals(timeMs: number): boolean {
    const intervals = this.spec.intervals;
    if (intervals === null) return true;
    for (const interval of intervals) if (timeMs >= interval.startMs && timeMs < interval.endMs) return true;
    return false;
  }

  private fail(message: string): 'unparseable' {
    this.error = message;
    return 'unparseable';
  }
}

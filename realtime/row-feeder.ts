// Feeds input into an in-memory index one line or record at a time and says what became of each:
// the per-row core of batch ingestion, shared by the single-threaded run and the parallel workers.
// JSON lines try the byte-level fast path first (see flat-json-scanner.ts); anything it hands back is
// parsed and added exactly as the general path does, with the same messages.
import type { TimeInterval } from '../segment-format/segment-metadata.js';
import { FlatJsonScanner } from './flat-json-scanner.js';
import type { IncrementalIndex } from './incremental-index.js';
import type { IndexTaskSpec } from './index-task-spec.js';
import type { InputRecord } from './input-format.js';
import { InputRowParser } from './input-row.js';
import type { LineBatch } from './json-line-batches.js';
import { isBlank, parseLine } from './json-reader.js';

/** What became of each line or record fed. Line numbers are the reader's (1-based within what it read). */
export interface RowOutcomes {
  processed(): void;
  thrownAway(): void;
  /** The row could not be ingested at all; may throw to stop the run. */
  unparseable(line: number, message: string): void;
  /** The row was ingested with some values nulled; may throw to stop the run. */
  processedWithError(line: number, message: string): void;
}

export class RowFeeder {
  private readonly parser: InputRowParser;
  /** Set when every line can try the fast JSON path (see fastJsonPathApplies). */
  private readonly scanner: FlatJsonScanner | null;

  constructor(
    private readonly spec: IndexTaskSpec,
    private readonly index: IncrementalIndex,
    private readonly outcomes: RowOutcomes,
  ) {
    this.parser = new InputRowParser(spec);
    this.scanner = fastJsonPathApplies(spec) ? scannerOf(spec, index) : null;
  }

  /** True when input should come as line batches (feedLines), else as records (feedRecord). */
  get readsLines(): boolean {
    return this.scanner !== null;
  }

  /**
   * Feeds lines [from, to) of the batch, stopping before a line when the index already holds
   * `rowsMax` rows (so an input that fits exactly never stops). Returns the first line not fed.
   */
  feedLines(batch: LineBatch, from: number, to: number, rowsMax: number): number {
    const scanner = this.scanner!;
    const { bytes, starts, ends } = batch;
    const intervals = this.spec.intervals;
    const index = this.index;
    const outcomes = this.outcomes;
    // Each line adds at most one row: when all of them fit, the row count need not be checked per line.
    const checkRows = index.rowCount + (to - from) > rowsMax;
    // Lines mostly repeat the previous line's time: its interval check is reused.
    let checkedTimeMs = Number.NaN;
    let checkedWithin = true;
    for (let line = from; line < to; line++) {
      if (checkRows && index.rowCount >= rowsMax) return line;
      const start = starts[line]!;
      const end = ends[line]!;
      if (scanner.scan(bytes, start, end)) {
        const timestampMs = scanner.timestampMs;
        if (intervals !== null && timestampMs !== checkedTimeMs) {
          checkedWithin = withinIntervals(intervals, timestampMs);
          checkedTimeMs = timestampMs;
        }
        if (intervals !== null && !checkedWithin) outcomes.thrownAway();
        else {
          index.addStaged(timestampMs, scanner.metricInputs);
          outcomes.processed();
        }
      } else {
        const text = bytes.toString('utf8', start, end);
        if (!isBlank(text)) this.feedRecord(parseLine(text, batch.firstLine + line));
      }
    }
    return to;
  }

  /** Parses one record into the index and reports its outcome. */
  feedRecord(record: InputRecord): void {
    const { outcomes, parser } = this;
    if (record.fields === null) {
      outcomes.unparseable(record.line, record.error);
      return;
    }
    const outcome = parser.parse(record.fields);
    if (outcome === 'unparseable') {
      outcomes.unparseable(record.line, parser.error);
    } else if (outcome === 'thrownAway') {
      outcomes.thrownAway();
    } else {
      const error = this.index.add(parser);
      if (error === null) outcomes.processed();
      else outcomes.processedWithError(record.line, error);
    }
  }
}

/**
 * The fast JSON path applies to JSON input with a fixed schema and nothing that needs the parsed
 * object: no transforms or transform filter, no schema discovery, no sketch metrics.
 */
export function fastJsonPathApplies(spec: IndexTaskSpec): boolean {
  if (spec.inputFormat.type !== 'json' || spec.transformSpec.transforms.length > 0 || spec.transformSpec.filter !== null) return false;
  return !spec.dimensionsSpec.discovery && !spec.ingestionMetrics.some((metric) => metric.fold === 'hyperUnique' || metric.fieldName === '__time');
}

function scannerOf(spec: IndexTaskSpec, index: IncrementalIndex): FlatJsonScanner {
  return new FlatJsonScanner({
    timestampColumn: spec.timestampSpec.column,
    parseTimestamp: spec.timestampSpec.parse,
    dimensions: spec.dimensions.map((dimension) => ({ name: dimension.name, column: index.dimensionColumn(dimension.name)! })),
    metricFields: spec.ingestionMetrics.map((metric) => metric.fieldName),
  });
}

function withinIntervals(intervals: readonly TimeInterval[], timeMs: number): boolean {
  for (const interval of intervals) if (timeMs >= interval.startMs && timeMs < interval.endMs) return true;
  return false;
}

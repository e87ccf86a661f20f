// A subquery's table seen as a segment, so the outer query runs on the ordinary engines. Columns
// are built on first use: an outer count reads no column but __time, and builds none.
import type { Column, ColumnData, ColumnType } from '../../segment-format/columns.js';
import { multiValueStringColumn, numericColumn, stringColumn } from '../../segment-format/columns-from-rows.js';
import { columnWithBitmaps } from '../../segment-format/in-memory-segment.js';
import { segmentIdOf, type SegmentInfo } from '../../segment-format/segment-metadata.js';
import type { QueryableSegment } from '../queryable-segment.js';
import type { SubqueryTable } from './subquery-table.js';

/** How a column's values are held, decided from the values themselves (the results carry no types). */
type ValueKind = 'string' | 'multiString' | 'long' | 'double';

export class SubquerySegment implements QueryableSegment {
  readonly id: string;
  readonly info: SegmentInfo;
  readonly rowCount: number;
  private readonly timeValues: Float64Array;
  private readonly values: ReadonlyMap<string, readonly unknown[]>;
  private readonly kinds: ReadonlyMap<string, ValueKind>;
  private readonly columns = new Map<string, Column>();

  /** `dataSource` names the segment only; rows need not be in time order. */
  constructor(dataSource: string, table: SubqueryTable) {
    const ordered = inTimeOrder(table);
    this.timeValues = ordered.timesMs;
    this.values = ordered.columns;
    this.rowCount = this.timeValues.length;
    this.kinds = new Map([...this.values].filter(([name]) => name !== '__time').map(([name, values]) => [name, kindOfColumn(values)]));
    const startMs = this.rowCount === 0 ? 0 : this.timeValues[0]!;
    const endMs = this.rowCount === 0 ? 1 : this.timeValues[this.rowCount - 1]! + 1;
    const names = [...this.kinds.keys()];
    this.info = {
      dataSource,
      interval: { startMs, endMs },
      version: new Date(0).toISOString(),
      partition: 0,
      rowCount: this.rowCount,
      rollup: false,
      queryGranularity: 'none',
      dimensions: names.filter((name) => this.kinds.get(name) === 'string' || this.kinds.get(name) === 'multiString'),
      metrics: [],
    };
    this.id = segmentIdOf(this.info);
  }

  time(): Float64Array {
    return this.timeValues;
  }

  columnNames(): readonly string[] {
    return [...this.kinds.keys()];
  }

  columnType(name: string): ColumnType | undefined {
    const kind = this.kinds.get(name);
    if (kind === undefined) return undefined;
    return kind === 'long' ? 'LONG' : kind === 'double' ? 'DOUBLE' : 'STRING';
  }

  isMultiValue(name: string): boolean {
    return this.kinds.get(name) === 'multiString';
  }

  column(name: string): Column | undefined {
    let column = this.columns.get(name);
    if (column === undefined) {
      const kind = this.kinds.get(name);
      if (kind === undefined) return undefined;
      column = columnWithBitmaps(buildColumn(kind, this.values.get(name)!));
      this.columns.set(name, column);
    }
    return column;
  }
}

function buildColumn(kind: ValueKind, values: readonly unknown[]): ColumnData {
  switch (kind) {
    case 'string':
      return stringColumn(values.map((value) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : value)));
    case 'multiString':
      return multiValueStringColumn(values);
    case 'long':
    case 'double':
      return numericColumn(kind, values);
  }
}

function inTimeOrder(table: SubqueryTable): SubqueryTable {
  const { timesMs, columns } = table;
  let ordered = true;
  for (let index = 1; index < timesMs.length && ordered; index++) ordered = timesMs[index - 1]! <= timesMs[index]!;
  if (ordered) return table;
  const order = Array.from(timesMs.keys()).sort((left, right) => timesMs[left]! - timesMs[right]!);
  return {
    timesMs: Float64Array.from(order, (index) => timesMs[index]!),
    columns: new Map([...columns].map(([name, values]) => [name, order.map((index) => values[index])])),
  };
}

/**
 * A column's kind: numbers only → long (all integral) or double; any array → multi-value string;
 * anything else → string (a grouping dimension's values are strings even when they look numeric).
 * A column null in every row is a string column, as Druid types an all-null dimension.
 */
function kindOfColumn(values: readonly unknown[]): ValueKind {
  let kind: ValueKind | undefined;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    kind = combineKinds(kind, kindOf(value));
    if (kind === 'multiString') break;
  }
  return kind ?? 'string';
}

function kindOf(value: unknown): ValueKind {
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  if (Array.isArray(value)) return 'multiString';
  return 'string';
}

function combineKinds(previous: ValueKind | undefined, next: ValueKind): ValueKind {
  if (previous === undefined || previous === next) return next;
  if (previous === 'multiString' || next === 'multiString') return 'multiString';
  if (previous === 'string' || next === 'string') return 'string';
  return 'double';
}

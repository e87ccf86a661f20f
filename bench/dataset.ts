// What a generated dataset is to the harness: one newline-delimited JSON file that both systems load,
// its schema, and the facts the query suites are parameterised by.

/** How a JSON field is stored. `timestamp` is epoch milliseconds in the field named `timestamp`. */
export type DatasetColumnType = 'timestamp' | 'string' | 'long' | 'int' | 'double';

export interface DatasetColumn {
  /** Field name in the JSON file and column name in both systems (the timestamp becomes `__time`). */
  readonly name: string;
  readonly type: DatasetColumnType;
}

export interface Dataset {
  /** Sediment datasource name and DuckDB table name. */
  readonly name: string;
  /** Absolute path of the newline-delimited JSON file. */
  readonly file: string;
  /** Size of that file. */
  readonly fileBytes: number;
  /** Rows in the file. */
  readonly rows: number;
  /** Every row's timestamp lies in [startMs, endMs). */
  readonly startMs: number;
  readonly endMs: number;
  /** Columns in file order; the first is the timestamp. */
  readonly columns: readonly DatasetColumn[];
  /** Sediment segment granularity for this dataset. */
  readonly segmentGranularity: 'hour' | 'day';
}

/** Dimensions: the string columns. */
export function dimensionColumns(dataset: Dataset): DatasetColumn[] {
  return dataset.columns.filter((column) => column.type === 'string');
}

/** Metrics: the numeric columns. */
export function metricColumns(dataset: Dataset): DatasetColumn[] {
  return dataset.columns.filter((column) => column.type === 'long' || column.type === 'int' || column.type === 'double');
}

/** `__time` and every other column, in file order: the columns of a full scan. */
export function scanColumns(dataset: Dataset): string[] {
  return ['__time', ...dataset.columns.filter((column) => column.type !== 'timestamp').map((column) => column.name)];
}

// A worker's view of a segment file: the columns the main thread sent (its own decoded arrays, in
// shared memory) plus the file itself for what was not sent. The file is opened for its metadata and
// for lazily read parts: the bitmap index of a string column (only filters and search use it, and only
// some values), a hyperUnique column, or a column the main thread did not foresee the query reading.
import { groupRowsById } from '../../segment-format/bitmap-index-builder.js';
import { BitmapRunsSection, DerivedBitmapIndex, deserialize } from '../../segment-format/bitmap-section.js';
import { decompressBlocks } from '../../segment-format/block-compression.js';
import type { BitmapIndex, Column, ColumnType, MultiValueStringColumnData, StringColumnData } from '../../segment-format/columns.js';
import type { SegmentInfo } from '../../segment-format/segment-metadata.js';
import type { SegmentFile } from '../../segment-format/segment-reader.js';
import type { QueryableSegment } from '../queryable-segment.js';
import type { SharedColumn } from './shared-columns.js';
import { dictionaryOf } from './shared-dictionary.js';

export class SharedColumnsSegment implements QueryableSegment {
  readonly id: string;
  readonly info: SegmentInfo;
  readonly rowCount: number;
  private sharedTime: Float64Array | null = null;
  private readonly columns = new Map<string, Column>();

  constructor(
    /** The open file the shared columns belong to. */
    readonly file: SegmentFile,
    /** The main thread's opening of the file the shared columns come from (SegmentFileReference.opening). */
    readonly opening: number,
  ) {
    this.id = file.id;
    this.info = file.info;
    this.rowCount = file.rowCount;
  }

  /** Takes the main thread's arrays for the columns not yet held; a column already held is the same data. */
  adopt(time: Float64Array | null, columns: readonly (readonly [string, SharedColumn])[]): void {
    if (time !== null && this.sharedTime === null) this.sharedTime = time;
    for (const [name, shared] of columns) {
      if (!this.columns.has(name)) this.columns.set(name, this.columnFrom(name, shared));
    }
  }

  time(): Float64Array {
    return this.sharedTime ?? this.file.time();
  }

  columnNames(): readonly string[] {
    return this.file.columnNames();
  }

  columnType(name: string): ColumnType | undefined {
    return this.file.columnType(name);
  }

  isMultiValue(name: string): boolean {
    return this.file.isMultiValue(name);
  }

  column(name: string): Column | undefined {
    return this.columns.get(name) ?? this.file.column(name);
  }

  /** Closes the file; the shared arrays are released with this object. */
  close(): void {
    this.file.close();
  }

  private columnFrom(name: string, shared: SharedColumn): Column {
    if (shared.kind !== 'string') {
      return { kind: shared.kind, values: shared.values, nulls: shared.nulls === null ? null : deserialize(shared.nulls, `column ${name} section nulls`) };
    }
    const dictionary = dictionaryOf(shared.dictionary);
    const data: StringColumnData | MultiValueStringColumnData = shared.multiValue
      ? { kind: 'string', multiValue: true, dictionary, offsets: shared.offsets, ids: shared.ids }
      : { kind: 'string', multiValue: false, dictionary, ids: shared.ids };
    let index: BitmapIndex | null = null;
    const bitmap = (id: number) => (index ??= this.bitmapIndex(name, data)).bitmap(id);
    return { ...data, bitmap } as Column;
  }

  /** The column's stored inverted index, or one derived from its ids when the writer left it out (as the reader does). */
  private bitmapIndex(name: string, data: StringColumnData | MultiValueStringColumnData): BitmapIndex {
    const section = this.file.metadata.columns.find((column) => column.name === name)?.sections['bitmaps'];
    if (section === undefined) return new DerivedBitmapIndex(() => groupRowsById(data, name), data.dictionary.length);
    const label = `column ${name} section bitmaps`;
    return new BitmapRunsSection(decompressBlocks(this.file.readSection(section, label), label), label, data.dictionary.length, this.rowCount);
  }
}

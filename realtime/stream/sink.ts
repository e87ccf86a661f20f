// One segment being built by a realtime task (Druid's "sink"): a growing in-memory index plus the
// pieces persisted from it. Every piece is announced as its own queryable segment (same version
// and partition as the sink, so the timeline reads them all); at publish the pieces merge into the
// one segment file that goes to deep storage.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SegmentRecord } from '../../cluster/metadata-store.js';
import type { QueryableSegment } from '../../query/queryable-segment.js';
import { InMemorySegment } from '../../segment-format/in-memory-segment.js';
import { openSegment, type SegmentFile } from '../../segment-format/segment-reader.js';
import { segmentIdOf, type SegmentInfo } from '../../segment-format/segment-metadata.js';
import { stringDimension, type DimensionSchema } from '../dimensions-spec.js';
import { IncrementalIndex, type IndexSchema } from '../incremental-index.js';
import type { InputRow } from '../input-row.js';
import { MergingCursor } from '../merging-cursor.js';
import type { RowCursor } from '../row-cursor.js';
import { SegmentBuilder, writeSegmentColumns } from '../segment-builder.js';
import { SpillCursor } from '../spill-cursor.js';
import type { RealtimeSegments } from './realtime-segments.js';
import type { SegmentAllocation } from './segment-allocator.js';

/** Rows copied between event-loop turns while persisting or merging, so consumption keeps flowing. */
const ROWS_PER_TURN = 20_000;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Copies a cursor into a builder, yielding to the event loop now and then. */
async function copyRows(cursor: RowCursor, builder: SegmentBuilder): Promise<void> {
  let rows = 0;
  while (cursor.next()) {
    builder.add(cursor);
    if (++rows % ROWS_PER_TURN === 0) await nextTurn();
  }
}

interface Piece {
  readonly id: string;
  /** The index while it is in memory; null once persisted. */
  index: IncrementalIndex | null;
  file: SegmentFile | null;
  path: string;
  snapshot: QueryableSegment | null;
  snapshotAtMs: number;
  snapshotRows: number;
  /** Adds since the snapshot was built. */
  dirty: boolean;
}

export interface SinkOptions {
  readonly allocation: SegmentAllocation;
  readonly schema: IndexSchema;
  readonly rollup: boolean;
  readonly queryGranularity: unknown;
  /** Directory for this sink's persisted pieces (created on first persist, removed by drop). */
  readonly dir: string;
  readonly announcer: RealtimeSegments;
  /** A growing piece's snapshot is rebuilt on a query at most this often. */
  readonly snapshotMaxAgeMs: number;
}

export class Sink {
  /** Id of the segment this sink publishes. */
  readonly id: string;
  private readonly pieces: Piece[] = [];
  private current: Piece | null = null;
  private readonly persisting = new Set<Promise<void>>();
  private readonly discovered = new Set<string>();
  private rows = 0;
  private inMemory = 0;
  private withdrawn = false;

  constructor(private readonly options: SinkOptions) {
    this.id = segmentIdOf(options.allocation);
  }

  get allocation(): SegmentAllocation {
    return this.options.allocation;
  }

  /** Rows added (after rollup within each piece). */
  get rowCount(): number {
    return this.rows;
  }

  /** Rows held in in-memory indexes not yet persisted. */
  get rowsInMemory(): number {
    return this.inMemory;
  }

  /** Adds a row; returns a message when some value was unreadable (stored as null), else null. */
  add(row: InputRow): string | null {
    const piece = this.current ?? this.startPiece();
    const index = piece.index!;
    const before = index.rowCount;
    const error = index.add(row);
    const added = index.rowCount - before;
    this.rows += added;
    this.inMemory += added;
    piece.dirty = true;
    return error;
  }

  private startPiece(): Piece {
    const number = this.pieces.length;
    const piece: Piece = {
      id: `${this.id}#realtime-${number}`,
      index: new IncrementalIndex(this.options.schema),
      file: null,
      path: join(this.options.dir, `piece-${String(number).padStart(5, '0')}.segment`),
      snapshot: null,
      snapshotAtMs: 0,
      snapshotRows: -1,
      dirty: true,
    };
    this.pieces.push(piece);
    this.current = piece;
    this.options.announcer.announce(this.recordOf(piece, []), () => this.queryable(piece));
    return piece;
  }

  private info(dimensions: readonly string[], rowCount: number): SegmentInfo {
    const { allocation, schema } = this.options;
    return {
      dataSource: allocation.dataSource,
      interval: allocation.interval,
      version: allocation.version,
      partition: allocation.partition,
      rowCount,
      rollup: this.options.rollup,
      queryGranularity: this.options.queryGranularity,
      dimensions,
      metrics: schema.metrics.map((metric) => ({ name: metric.name, aggregator: metric.json })),
    };
  }

  private recordOf(piece: Piece, dimensions: readonly string[]): SegmentRecord {
    const { allocation } = this.options;
    return {
      id: piece.id,
      dataSource: allocation.dataSource,
      interval: allocation.interval,
      version: allocation.version,
      partition: allocation.partition,
      used: true,
      deepStorageKey: '',
      sizeBytes: 0,
      info: this.info(dimensions, 0),
      createdMs: Date.now(),
    };
  }

  /** The piece's rows for one query: its file, or a snapshot of its index no older than snapshotMaxAgeMs. */
  private queryable(piece: Piece): QueryableSegment {
    if (piece.file !== null) return piece.file;
    const nowMs = Date.now();
    if (piece.snapshot === null || (piece.dirty && nowMs - piece.snapshotAtMs >= this.options.snapshotMaxAgeMs)) {
      const index = piece.index!;
      const { times, columns } = index.snapshot();
      piece.snapshot = new InMemorySegment(this.info(index.dimensionNames(), times.length), times, columns);
      piece.snapshotAtMs = nowMs;
      piece.dirty = false;
      if (piece.snapshotRows !== -1 && this.schemaGrew(piece, index)) this.reannounce(piece, index.dimensionNames());
      piece.snapshotRows = times.length;
    }
    return piece.snapshot;
  }

  private schemaGrew(piece: Piece, index: IncrementalIndex): boolean {
    return (piece.snapshot?.info.dimensions.length ?? 0) !== index.dimensionNames().length;
  }

  private reannounce(piece: Piece, dimensions: readonly string[]): void {
    this.options.announcer.announce(this.recordOf(piece, dimensions), () => this.queryable(piece));
  }

  /** Starts persisting the growing piece (new rows go to a new piece); resolves when it is on disk. */
  persist(): Promise<void> {
    const piece = this.current;
    if (piece === null || piece.index!.rowCount === 0) return Promise.resolve();
    this.current = null;
    const done = this.writePiece(piece).finally(() => this.persisting.delete(done));
    this.persisting.add(done);
    return done;
  }

  private async writePiece(piece: Piece): Promise<void> {
    const index = piece.index!;
    const schemas = index.dimensionSchemas();
    for (const schema of schemas) this.discovered.add(schema.name);
    // Columns come straight from the index's interned ids: no per-row values on the way.
    const sorted = index.sortedRows();
    const columns = sorted.columns(schemas.map((schema) => schema.name), 0, sorted.rowCount);
    await mkdir(this.options.dir, { recursive: true });
    await writeSegmentColumns(piece.path, this.info([], 0), schemas, this.options.schema.metrics, sorted.timesOf(0, sorted.rowCount), columns);
    const file = await openSegment(piece.path);
    if (this.withdrawn) {
      file.close();
      return;
    }
    // One synchronous step: queries switch from the snapshot to the file with nothing in between.
    piece.file = file;
    piece.index = null;
    piece.snapshot = null;
    this.inMemory -= file.rowCount;
    this.reannounce(piece, file.info.dimensions);
  }

  /** Final dimension order: declared dimensions, or every discovered name sorted. */
  private finalSchemas(): DimensionSchema[] {
    const declared = this.options.schema.dimensions;
    if (!this.options.schema.discovery) return [...declared];
    for (const piece of this.pieces) if (piece.index !== null) for (const name of piece.index.dimensionNames()) this.discovered.add(name);
    return [...this.discovered].sort().map(stringDimension);
  }

  /**
   * Merges every piece into one segment file at `path` (the sink must receive no more rows). Pieces
   * stay queryable meanwhile. Returns the written segment's info and size.
   */
  async merge(path: string): Promise<{ info: SegmentInfo; sizeBytes: number }> {
    await Promise.all([...this.persisting]);
    const schemas = this.finalSchemas();
    const names = schemas.map((schema) => schema.name);
    const metrics = this.options.schema.metrics;
    const inputs: RowCursor[] = [];
    try {
      for (const piece of this.pieces) {
        if (piece.file !== null) inputs.push(await SpillCursor.open(piece.path, names, metrics.map((metric) => metric.name)));
        else if (piece.index !== null && piece.index.rowCount > 0) inputs.push(piece.index.sortedCursor(names));
      }
    } catch (error) {
      for (const input of inputs) input.close();
      throw error;
    }
    const merged = inputs.length === 1 ? inputs[0]! : new MergingCursor(inputs, names.length, metrics, this.options.rollup);
    const builder = new SegmentBuilder(schemas, metrics);
    try {
      await copyRows(merged, builder);
    } finally {
      merged.close();
    }
    const { allocation } = this.options;
    return builder.write(path, { dataSource: allocation.dataSource, interval: allocation.interval, version: allocation.version, partition: allocation.partition, rollup: this.options.rollup, queryGranularity: this.options.queryGranularity });
  }

  /** Stops announcing every piece (synchronously), then closes and deletes the persisted files. */
  async drop(): Promise<void> {
    this.withdraw();
    await Promise.allSettled([...this.persisting]);
    for (const piece of this.pieces) {
      piece.file?.close();
      piece.file = null;
    }
    await rm(this.options.dir, { recursive: true, force: true });
  }

  /** Withdraws every piece from queries at once; the data stays until drop() finishes. */
  withdraw(): void {
    this.withdrawn = true;
    for (const piece of this.pieces) this.options.announcer.unannounce(piece.id);
    this.current = null;
  }
}

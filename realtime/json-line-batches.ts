// Splits a byte stream into lines without decoding it, for the fast JSON path: each batch is one
// buffer and the [start, end) of every line in it (newline and one trailing CR removed; a UTF-8 BOM
// removed from the first line unless the stream starts mid-file), numbered as the general reader
// numbers them. A line split across chunks is carried over by copying only its bytes (and yielded
// alone, so the next chunk is never copied).
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface LineBatch {
  readonly bytes: Buffer;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly count: number;
  /** Line number (1-based) of the batch's first line. */
  readonly firstLine: number;
}

function hasBom(bytes: Buffer, start: number, end: number): boolean {
  return end - start >= 3 && bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf;
}

/**
 * `stripBom` is false for a byte range that starts after the start of its file. A batch's bytes are
 * valid until the next batch is asked for. A chunk is no longer read once the chunk after it has
 * come (its unfinished last line is copied then), so the source may fill two buffers in turn.
 */
export async function* readLineBatches(stream: AsyncIterable<Buffer>, stripBom = true): AsyncGenerator<LineBatch> {
  let carried: Buffer | null = null;
  let line = 0;
  let starts = new Int32Array(4096);
  let ends = new Int32Array(4096);
  const batchOf = (bytes: Buffer, limit: number, final: boolean): { batch: LineBatch; rest: number } => {
    let count = 0;
    let start = 0;
    const firstLine = line + 1;
    for (;;) {
      let newline = bytes.indexOf(NEWLINE, start);
      if (newline < 0 || newline >= limit) {
        if (!final || start >= limit) break;
        newline = limit;
      }
      if (count === starts.length) {
        const grownStarts = new Int32Array(count * 2);
        grownStarts.set(starts);
        starts = grownStarts;
        const grownEnds = new Int32Array(count * 2);
        grownEnds.set(ends);
        ends = grownEnds;
      }
      let end = newline;
      if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
      line++;
      starts[count] = line === 1 && stripBom && hasBom(bytes, start, end) ? start + 3 : start;
      ends[count] = end;
      count++;
      start = newline + 1;
    }
    return { batch: { bytes, starts, ends, count, firstLine }, rest: start };
  };
  for await (const chunk of stream) {
    let bytes = chunk;
    if (carried !== null) {
      // Only the carried line is copied (with the rest of it), not the whole chunk after it.
      const newline = bytes.indexOf(NEWLINE);
      if (newline < 0) {
        carried = Buffer.concat([carried, bytes]);
        continue;
      }
      const joined = Buffer.concat([carried, bytes.subarray(0, newline + 1)]);
      carried = null;
      const { batch } = batchOf(joined, joined.length, false);
      yield batch;
      bytes = bytes.subarray(newline + 1);
    }
    const { batch, rest } = batchOf(bytes, bytes.length, false);
    carried = rest < bytes.length ? bytes.subarray(rest) : null;
    if (batch.count > 0) yield batch;
  }
  if (carried !== null && carried.length > 0) {
    const { batch } = batchOf(carried, carried.length, true);
    if (batch.count > 0) yield batch;
  }
}

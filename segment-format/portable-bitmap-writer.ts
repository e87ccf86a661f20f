// Serializes a sorted list of rows straight into the portable roaring format (the Java/Go/C format,
// RoaringFormatSpec), which roaring's `deserialize(bytes, 'portable')` reads. Building a
// RoaringBitmap32 per dictionary value costs a native call and an object each (~4 µs); a 100k-value
// dictionary made that most of the write time. Each 2^16-row container takes the smallest of the
// array, bitset and run encodings, as CRoaring's runOptimize would.
//
// Layout: cookie; [run flags]; per container {u16 key, u16 cardinality-1}; [u32 offsets]; containers.
//   no run container: u32 12346, u32 containerCount, descriptors, offsets (always)
//   some run container: u32 12347 | (containerCount-1) << 16, ceil(n/8) run flag bytes, descriptors,
//   offsets only when containerCount >= 4.
// Containers: array = cardinality × u16; bitset = 8192 bytes; run = u16 runCount, runCount × {u16 start, u16 length-1}.

const COOKIE_NO_RUNS = 12346;
const COOKIE_WITH_RUNS = 12347;
const OFFSETS_THRESHOLD = 4;
const ARRAY_MAX_CARDINALITY = 4096;
const BITSET_BYTES = 8192;
const KIND_ARRAY = 0;
const KIND_BITSET = 1;
const KIND_RUN = 2;

// Scratch per container, reused across calls: no allocation per bitmap.
let containerKeys = new Uint16Array(16);
let containerStarts = new Uint32Array(17);
let containerKinds = new Uint8Array(16);
let containerRuns = new Uint32Array(16);

/** Splits rows[from, to) into containers and picks each one's encoding; returns the container count. */
function analyze(rows: Uint32Array, from: number, to: number): number {
  const maximumContainers = to === from ? 0 : Math.min((rows[to - 1]! >>> 16) - (rows[from]! >>> 16) + 1, to - from);
  if (containerKeys.length < maximumContainers) growScratch(maximumContainers);
  let count = 0;
  let index = from;
  while (index < to) {
    const key = rows[index]! >>> 16;
    const start = index;
    let runs = 1;
    index++;
    while (index < to && rows[index]! >>> 16 === key) {
      if (rows[index]! !== rows[index - 1]! + 1) runs++;
      index++;
    }
    const cardinality = index - start;
    const plainBytes = cardinality <= ARRAY_MAX_CARDINALITY ? 2 * cardinality : BITSET_BYTES;
    containerKeys[count] = key;
    containerStarts[count] = start;
    containerRuns[count] = runs;
    containerKinds[count] = 2 + 4 * runs < plainBytes ? KIND_RUN : cardinality <= ARRAY_MAX_CARDINALITY ? KIND_ARRAY : KIND_BITSET;
    count++;
  }
  containerStarts[count] = to;
  return count;
}

function growScratch(size: number): void {
  containerKeys = new Uint16Array(size);
  containerStarts = new Uint32Array(size + 1);
  containerKinds = new Uint8Array(size);
  containerRuns = new Uint32Array(size);
}

function hasRunContainer(count: number): boolean {
  for (let container = 0; container < count; container++) if (containerKinds[container] === KIND_RUN) return true;
  return false;
}

function headerBytes(count: number, hasRuns: boolean): number {
  if (!hasRuns) return 8 + 8 * count;
  return 4 + Math.ceil(count / 8) + 4 * count + (count >= OFFSETS_THRESHOLD ? 4 * count : 0);
}

function containerBytes(container: number): number {
  const kind = containerKinds[container]!;
  if (kind === KIND_RUN) return 2 + 4 * containerRuns[container]!;
  if (kind === KIND_BITSET) return BITSET_BYTES;
  return 2 * (containerStarts[container + 1]! - containerStarts[container]!);
}

/** Bytes the portable serialization of rows[from, to) (ascending, unique) takes. */
export function portableSizeBytes(rows: Uint32Array, from = 0, to = rows.length): number {
  const count = analyze(rows, from, to);
  let total = headerBytes(count, hasRunContainer(count));
  for (let container = 0; container < count; container++) total += containerBytes(container);
  return total;
}

/**
 * Writes the portable serialization of rows[from, to) (ascending, unique) at `offset` of `output`;
 * returns the bytes written.
 */
export function writePortable(rows: Uint32Array, output: Uint8Array, offset: number, from = 0, to = rows.length): number {
  const count = analyze(rows, from, to);
  const hasRuns = hasRunContainer(count);
  const header = headerBytes(count, hasRuns);
  let cursor = offset;
  if (hasRuns) {
    writeU32(output, cursor, (COOKIE_WITH_RUNS | ((count - 1) << 16)) >>> 0);
    cursor += 4;
    const flagBytes = Math.ceil(count / 8);
    output.fill(0, cursor, cursor + flagBytes);
    for (let container = 0; container < count; container++) {
      if (containerKinds[container] === KIND_RUN) output[cursor + (container >>> 3)]! |= 1 << (container & 7);
    }
    cursor += flagBytes;
  } else {
    writeU32(output, cursor, COOKIE_NO_RUNS);
    writeU32(output, cursor + 4, count);
    cursor += 8;
  }
  for (let container = 0; container < count; container++) {
    writeU16(output, cursor, containerKeys[container]!);
    writeU16(output, cursor + 2, containerStarts[container + 1]! - containerStarts[container]! - 1);
    cursor += 4;
  }
  const writeOffsets = !hasRuns || count >= OFFSETS_THRESHOLD;
  let containerOffset = header;
  for (let container = 0; container < count; container++) {
    if (writeOffsets) writeU32(output, cursor + 4 * container, containerOffset);
    containerOffset += containerBytes(container);
  }
  cursor = offset + header;
  for (let container = 0; container < count; container++) cursor = writeContainer(rows, container, output, cursor);
  return cursor - offset;
}

function writeContainer(rows: Uint32Array, container: number, output: Uint8Array, cursor: number): number {
  const start = containerStarts[container]!;
  const end = containerStarts[container + 1]!;
  const kind = containerKinds[container]!;
  if (kind === KIND_ARRAY) {
    for (let index = start; index < end; index++) {
      const low = rows[index]! & 0xffff;
      output[cursor++] = low & 0xff;
      output[cursor++] = low >>> 8;
    }
    return cursor;
  }
  if (kind === KIND_BITSET) {
    output.fill(0, cursor, cursor + BITSET_BYTES);
    for (let index = start; index < end; index++) {
      const low = rows[index]! & 0xffff;
      output[cursor + (low >>> 3)]! |= 1 << (low & 7);
    }
    return cursor + BITSET_BYTES;
  }
  return writeRuns(rows, start, end, containerRuns[container]!, output, cursor);
}

function writeRuns(rows: Uint32Array, start: number, end: number, runCount: number, output: Uint8Array, cursor: number): number {
  writeU16(output, cursor, runCount);
  cursor += 2;
  let runStart = rows[start]! & 0xffff;
  let previous = runStart;
  for (let index = start + 1; index <= end; index++) {
    const low = index < end ? rows[index]! & 0xffff : -1;
    if (index < end && low === previous + 1) {
      previous = low;
      continue;
    }
    writeU16(output, cursor, runStart);
    writeU16(output, cursor + 2, previous - runStart);
    cursor += 4;
    runStart = low;
    previous = low;
  }
  return cursor;
}

// Plain byte stores: Buffer's write methods bounds-check and range-check every call.
function writeU16(output: Uint8Array, offset: number, value: number): void {
  output[offset] = value & 0xff;
  output[offset + 1] = value >>> 8;
}

function writeU32(output: Uint8Array, offset: number, value: number): void {
  output[offset] = value & 0xff;
  output[offset + 1] = (value >>> 8) & 0xff;
  output[offset + 2] = (value >>> 16) & 0xff;
  output[offset + 3] = value >>> 24;
}

// The fast JSON path of batch ingestion: reads one newline-delimited JSON line straight from its
// bytes into the index's staging slots, for the common shape (a flat object whose strings are
// printable ASCII without escapes, numbers, nulls). Dimension values are interned from the bytes, so
// a value seen before allocates nothing. Anything else (escapes, non-ASCII, arrays, objects,
// booleans, a string where a number is read or the reverse, duplicate keys, bad JSON, a missing or
// unreadable timestamp) makes scan() return false and the caller takes the general path for that
// line, which decides exactly as before (including error messages).
//
// Speed: lines of one file nearly always repeat the previous line's keys in the same order, so each
// key is first compared byte for byte with the name of the field the previous line had at that
// position (no hashing); only a mismatch looks the key up. A line is one flat loop over its members
// with the per-field facts in typed arrays, so the hot path makes no calls but the column's intern.
import { ByteInternTable, HASH_SEED, hashBytes } from './byte-intern-table.js';
import type { DimensionColumn } from './dimension-columns.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const DOT = 0x2e;
const PLUS = 0x2b;
const LETTER_E = 0x65;
const CAPITAL_E = 0x45;
const LETTER_N = 0x6e;
const LETTER_U = 0x75;
const LETTER_L = 0x6c;

/** 10^0 … 10^22: every one is exact in a double, which makes the fast number path correctly rounded. */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);
/** Up to 15 digits a decimal mantissa is an exact integer in a double. */
const EXACT_DIGITS_MAX = 15;

/** Field flags: what a key's value feeds. A field may feed several (a dimension that is also a metric input). */
const TIMESTAMP = 1;
const DIMENSION = 2;
const METRIC = 4;
/** More than one metric reads the field. */
const METRICS = 8;

/** Keys interned (known fields first, then unknown keys as they appear); past it unknown keys are looked up each time. */
const FIELDS_MAX = 4096;
/** Key positions whose expected field is remembered. */
const ORDINALS_MAX = 1024;
const NO_FIELD = -1;

/** Per byte inside a string: 0 ordinary printable ASCII, 1 the closing quote, 2 anything the fast path hands back. */
const STRING_BYTE_CLASS = Uint8Array.from({ length: 256 }, (_, byte) => {
  if (byte === QUOTE) return 1;
  return byte === BACKSLASH || byte < 0x20 || byte >= 0x7f ? 2 : 0;
});

export interface ScannedFields {
  /** Field holding the row time; its value (number or string) goes to `parseTimestamp`. */
  readonly timestampColumn: string;
  /** Must be a pure function of its input (the scanner reuses the result for a repeated number). */
  readonly parseTimestamp: (value: unknown) => number | null;
  /** Every dimension of the index (schema fixed: no discovery), staged on each scan. */
  readonly dimensions: readonly { readonly name: string; readonly column: DimensionColumn }[];
  /** Per metric, the input field it reads, or null (count). */
  readonly metricFields: readonly (string | null)[];
}

export class FlatJsonScanner {
  /** Row time (ms) of the last successful scan. */
  timestampMs = 0;
  /** Metric inputs of the last successful scan, NaN for null or absent. */
  readonly metricInputs: Float64Array;
  private readonly fieldIds = new ByteInternTable();
  private fieldCount = 0;
  /** Per field: TIMESTAMP | DIMENSION | METRIC | METRICS bits (0: the value is only checked and skipped). */
  private readonly fieldFlags = new Uint8Array(FIELDS_MAX);
  private readonly fieldColumns: (DimensionColumn | null)[] = [];
  /** Metrics fed by field f: metricIndexes[metricOffsets[f] .. metricOffsets[f + 1]). Known fields only. */
  private readonly metricOffsets: Int32Array;
  private readonly metricIndexes: Int32Array;
  /** Per known field, the first metric it feeds (meaningful with the METRIC flag). */
  private readonly firstMetricOf: Int32Array;
  /** Field of each metric, or NO_FIELD (count). */
  private readonly metricFieldOf: Int32Array;
  /** Distinct fields feeding dimensions, and metrics: when a line had them all, nothing is defaulted. */
  private readonly dimensionFieldCount: number;
  private readonly metricFieldCount: number;
  /** Field of each dimension, in `fields.dimensions` order. */
  private readonly dimensionFields: Int32Array;
  /** seen[field] === generation when the current line had the field. */
  private readonly seen = new Int32Array(FIELDS_MAX);
  private generation = 0;
  /**
   * Name bytes of field f: names[nameStarts[f] .. + nameLengths[f]), followed by a quote; length -1
   * when a key can never equal it byte for byte.
   */
  private names = new Uint8Array(1024);
  private namesLength = 0;
  private readonly nameStarts = new Int32Array(FIELDS_MAX);
  private readonly nameLengths = new Int32Array(FIELDS_MAX);
  /**
   * Field f's quoted name (name and closing quote, 4 bytes or more) as little-endian words from
   * nameWords[nameWordStarts[f]]: one per 4 bytes, the last one overlapping so it ends at the quote.
   */
  private nameWords = new Int32Array(256);
  private nameWordsLength = 0;
  private readonly nameWordStarts = new Int32Array(FIELDS_MAX);
  /** A view of the buffer being scanned (made again when it changes), to compare keys a word at a time. */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewBytes: Uint8Array | null = null;
  /** The field the previous line had at each key position (NO_FIELD: none), to match keys without hashing. */
  private readonly expectedFields = new Int32Array(ORDINALS_MAX).fill(NO_FIELD);
  /** End of the last value read by scanString/scanNumber, and its hash or number. */
  private valueEnd = 0;
  private stringHash = 0;
  private numberValue = 0;
  /** The last numeric time input and what parseTimestamp made of it (NaN: none yet). */
  private lastTimeInput = Number.NaN;
  private lastTimeMs = 0;

  constructor(private readonly fields: ScannedFields) {
    this.metricInputs = new Float64Array(fields.metricFields.length).fill(Number.NaN);
    this.fieldFlags[this.fieldOf(fields.timestampColumn)] |= TIMESTAMP;
    this.dimensionFields = Int32Array.from(fields.dimensions, (dimension) => {
      const field = this.fieldOf(dimension.name);
      this.fieldFlags[field] |= DIMENSION;
      this.fieldColumns[field] = dimension.column;
      return field;
    });
    this.metricFieldOf = Int32Array.from(fields.metricFields, (name) => (name === null ? NO_FIELD : this.fieldOf(name)));
    this.metricOffsets = new Int32Array(this.fieldCount + 1);
    this.metricIndexes = new Int32Array(fields.metricFields.length);
    let metricCount = 0;
    for (let field = 0; field < this.fieldCount; field++) {
      this.metricOffsets[field] = metricCount;
      this.metricFieldOf.forEach((metricField, metric) => {
        if (metricField === field) this.metricIndexes[metricCount++] = metric;
      });
      if (metricCount > this.metricOffsets[field]!) this.fieldFlags[field] |= METRIC;
      if (metricCount > this.metricOffsets[field]! + 1) this.fieldFlags[field] |= METRICS;
    }
    this.metricOffsets[this.fieldCount] = metricCount;
    this.firstMetricOf = Int32Array.from({ length: this.fieldCount }, (_, field) => this.metricIndexes[this.metricOffsets[field]!]!);
    this.dimensionFieldCount = new Set(this.dimensionFields).size;
    this.metricFieldCount = new Set(Array.from(this.metricFieldOf).filter((field) => field !== NO_FIELD)).size;
  }

  /** The field id of a name, interning it (the constructor's fields fit: there are fewer than FIELDS_MAX). */
  private fieldOf(name: string): number {
    const bytes = Buffer.from(name, 'utf8');
    const field = this.fieldIds.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
    if (field >= 0) return field;
    const quoted = Buffer.concat([bytes, Buffer.from('"')]);
    const matchable = asciiStringEnd(quoted, 0, quoted.length) === bytes.length;
    return this.addField(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length), matchable);
  }

  private addField(bytes: Uint8Array, start: number, end: number, hash: number, matchable: boolean): number {
    const field = this.fieldCount++;
    this.fieldIds.insert(bytes, start, end, hash, field);
    this.fieldColumns.push(null);
    const length = end - start;
    if (this.namesLength + length + 1 > this.names.length) {
      const grown = new Uint8Array(Math.max(this.names.length * 2, this.namesLength + length + 1));
      grown.set(this.names);
      this.names = grown;
    }
    const nameStart = this.namesLength;
    this.names.set(bytes.subarray(start, end), nameStart);
    this.names[nameStart + length] = QUOTE;
    this.nameStarts[field] = nameStart;
    this.nameLengths[field] = matchable ? length : -1;
    this.namesLength += length + 1;
    this.addNameWords(field, new DataView(this.names.buffer, nameStart, length + 1));
    return field;
  }

  private addNameWords(field: number, quotedName: DataView): void {
    const lastWord = quotedName.byteLength - 4;
    const wordCount = lastWord < 0 ? 0 : Math.ceil(lastWord / 4) + 1;
    if (this.nameWordsLength + wordCount > this.nameWords.length) {
      const grown = new Int32Array(Math.max(this.nameWords.length * 2, this.nameWordsLength + wordCount));
      grown.set(this.nameWords);
      this.nameWords = grown;
    }
    this.nameWordStarts[field] = this.nameWordsLength;
    for (let offset = 0; offset < lastWord; offset += 4) this.nameWords[this.nameWordsLength++] = quotedName.getInt32(offset, true);
    if (lastWord >= 0) this.nameWords[this.nameWordsLength++] = quotedName.getInt32(lastWord, true);
  }

  /** Field of the key bytes[keyStart, keyEnd) (printable ASCII), interning an unknown key while there is room; NO_FIELD past that. */
  private lookUpKey(bytes: Uint8Array, keyStart: number, keyEnd: number): number {
    const hash = hashBytes(bytes, keyStart, keyEnd);
    const field = this.fieldIds.find(bytes, keyStart, keyEnd, hash);
    if (field >= 0 || this.fieldCount >= FIELDS_MAX) return field;
    return this.addField(bytes, keyStart, keyEnd, hash, true);
  }

  /** Stages line bytes[start, end) (no newline) as a row; false when the general path must read it. */
  scan(bytes: Uint8Array, start: number, end: number): boolean {
    let generation = this.generation + 1;
    if (generation === 0x7fffffff) {
      generation = 1;
      this.seen.fill(0);
    }
    this.generation = generation;
    const seen = this.seen;
    const flagsOf = this.fieldFlags;
    const expectedFields = this.expectedFields;
    const metricInputs = this.metricInputs;
    const firstMetricOf = this.firstMetricOf;
    const nameLengths = this.nameLengths;
    if (bytes !== this.viewBytes) {
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.viewBytes = bytes;
    }
    const view = this.view;
    const nameWordStarts = this.nameWordStarts;
    let nameWords = this.nameWords;
    let timeSeen = false;
    let dimensionsSeen = 0;
    let metricFieldsSeen = 0;
    let index = skipWhitespace(bytes, start, end);
    if (index >= end || bytes[index] !== OPEN_BRACE) return false;
    index = skipWhitespace(bytes, index + 1, end);
    for (let ordinal = 0; ; ordinal++) {
      if (index >= end || bytes[index] !== QUOTE) return false;
      const keyStart = index + 1;
      let field = ordinal < ORDINALS_MAX ? expectedFields[ordinal]! : NO_FIELD;
      let keyEnd = -1;
      if (field >= 0) {
        // The name is stored with its closing quote: compare 4 bytes at a time, the last word overlapping.
        const quotedLength = nameLengths[field]! + 1;
        keyEnd = keyStart + quotedLength - 1;
        if (quotedLength >= 4 && keyEnd < end) {
          let word = nameWordStarts[field]!;
          const lastWord = quotedLength - 4;
          let offset = 0;
          while (offset < lastWord && view.getInt32(keyStart + offset, true) === nameWords[word]) {
            offset += 4;
            word++;
          }
          if (offset < lastWord || view.getInt32(keyStart + lastWord, true) !== nameWords[word]) field = NO_FIELD;
        } else if (!(keyEnd < end && bytes[keyEnd] === QUOTE && this.shortKeyEquals(bytes, keyStart, field))) field = NO_FIELD;
      }
      if (field < 0) {
        keyEnd = asciiStringEnd(bytes, keyStart, end);
        if (keyEnd < 0) return false;
        field = this.lookUpKey(bytes, keyStart, keyEnd);
        nameWords = this.nameWords;
        if (ordinal < ORDINALS_MAX) expectedFields[ordinal] = field >= 0 && nameLengths[field]! >= 0 ? field : NO_FIELD;
      }
      index = keyEnd + 1;
      if (index < end && bytes[index] === COLON) index++;
      else {
        index = skipWhitespace(bytes, index, end);
        if (index >= end || bytes[index] !== COLON) return false;
        index++;
      }
      index = skipWhitespace(bytes, index, end);
      if (index >= end) return false;
      let flags = 0;
      if (field >= 0) {
        if (seen[field] === generation) return false;
        seen[field] = generation;
        flags = flagsOf[field]!;
      }
      const first = bytes[index]!;
      if (first === QUOTE) {
        if (!this.scanString(bytes, index + 1, end)) return false;
        if (flags !== 0) {
          if ((flags & METRIC) !== 0) return false;
          if ((flags & DIMENSION) !== 0) {
            if (!this.fieldColumns[field]!.stageAscii(bytes, index + 1, this.valueEnd - 1, this.stringHash)) return false;
            dimensionsSeen++;
          }
          if ((flags & TIMESTAMP) !== 0) {
            if (!this.readTime(latin1Of(bytes, index + 1, this.valueEnd - 1))) return false;
            timeSeen = true;
          }
        }
        index = this.valueEnd;
      } else if ((first >= ZERO && first <= NINE) || first === MINUS) {
        if (!this.scanNumber(bytes, index, end)) return false;
        index = this.valueEnd;
        if (flags !== 0) {
          const value = this.numberValue;
          if ((flags & DIMENSION) !== 0) {
            if (!this.fieldColumns[field]!.stageNumber(value)) return false;
            dimensionsSeen++;
          }
          if ((flags & METRIC) !== 0) {
            if ((flags & METRICS) === 0) metricInputs[firstMetricOf[field]!] = value;
            else this.setMetrics(field, value);
            metricFieldsSeen++;
          }
          if ((flags & TIMESTAMP) !== 0) {
            if (!this.readNumericTime(value)) return false;
            timeSeen = true;
          }
        }
      } else if (first === LETTER_N) {
        if (end - index < 4 || bytes[index + 1] !== LETTER_U || bytes[index + 2] !== LETTER_L || bytes[index + 3] !== LETTER_L) return false;
        index += 4;
        if (flags !== 0) {
          if ((flags & TIMESTAMP) !== 0) return false;
          if ((flags & DIMENSION) !== 0) {
            this.fieldColumns[field]!.stage(null);
            dimensionsSeen++;
          }
          if ((flags & METRIC) !== 0) {
            this.setMetrics(field, Number.NaN);
            metricFieldsSeen++;
          }
        }
      } else return false;
      if (index < end && bytes[index] === COMMA) {
        index = skipWhitespace(bytes, index + 1, end);
        continue;
      }
      index = skipWhitespace(bytes, index, end);
      if (index >= end) return false;
      if (bytes[index] === COMMA) {
        index = skipWhitespace(bytes, index + 1, end);
        continue;
      }
      if (bytes[index] !== CLOSE_BRACE || skipWhitespace(bytes, index + 1, end) !== end) return false;
      break;
    }
    if (!timeSeen) return false;
    if (dimensionsSeen !== this.dimensionFieldCount) this.stageAbsentDimensions();
    if (metricFieldsSeen !== this.metricFieldCount) this.clearAbsentMetrics();
    return true;
  }

  /** Whether the key at keyStart equals the field's name of under 3 bytes. */
  private shortKeyEquals(bytes: Uint8Array, keyStart: number, field: number): boolean {
    const nameStart = this.nameStarts[field]!;
    const length = this.nameLengths[field]!;
    if (length < 0) return false;
    for (let offset = 0; offset < length; offset++) if (bytes[keyStart + offset] !== this.names[nameStart + offset]) return false;
    return true;
  }

  private setMetrics(field: number, value: number): void {
    const metricIndexes = this.metricIndexes;
    const metricInputs = this.metricInputs;
    const to = this.metricOffsets[field + 1]!;
    for (let offset = this.metricOffsets[field]!; offset < to; offset++) metricInputs[metricIndexes[offset]!] = value;
  }

  private stageAbsentDimensions(): void {
    const dimensions = this.fields.dimensions;
    for (let index = 0; index < dimensions.length; index++) {
      if (this.seen[this.dimensionFields[index]!] !== this.generation) dimensions[index]!.column.stage(null);
    }
  }

  private clearAbsentMetrics(): void {
    for (let metric = 0; metric < this.metricFieldOf.length; metric++) {
      const field = this.metricFieldOf[metric]!;
      if (field !== NO_FIELD && this.seen[field] !== this.generation) this.metricInputs[metric] = Number.NaN;
    }
  }

  /**
   * Finds the end of a string starting after its opening quote (printable ASCII without escapes);
   * sets valueEnd past its closing quote and stringHash to hashBytes of its contents. False otherwise.
   */
  private scanString(bytes: Uint8Array, start: number, end: number): boolean {
    let hash = HASH_SEED;
    for (let index = start; index < end; index++) {
      const byte = bytes[index]!;
      const byteClass = STRING_BYTE_CLASS[byte]!;
      if (byteClass !== 0) {
        if (byteClass !== 1) return false;
        const mixed = hash ^ (index - start);
        this.stringHash = mixed ^ (mixed >>> 15);
        this.valueEnd = index + 1;
        return true;
      }
      hash = Math.imul(hash ^ byte, 0x01000193);
    }
    return false;
  }

  /** Parses a JSON number at `start` into numberValue exactly as JSON.parse would; sets valueEnd. False unless valid. */
  private scanNumber(bytes: Uint8Array, start: number, end: number): boolean {
    let index = start;
    const negative = bytes[index] === MINUS;
    if (negative && ++index >= end) return false;
    let mantissa = 0;
    let digits = 0;
    if (bytes[index] === ZERO) {
      index++;
      if (index < end && isDigit(bytes[index]!)) return false;
    } else {
      for (; index < end; index++, digits++) {
        const digit = bytes[index]! - ZERO;
        if (digit < 0 || digit > 9) break;
        mantissa = mantissa * 10 + digit;
      }
      if (digits === 0) return false;
    }
    if (index < end) {
      const next = bytes[index]!;
      if (next === DOT || next === LETTER_E || next === CAPITAL_E) return this.scanFraction(bytes, start, index, end, mantissa, digits);
    }
    this.valueEnd = index;
    if (digits > EXACT_DIGITS_MAX) this.numberValue = Number(latin1Of(bytes, start, index));
    else this.numberValue = negative ? -mantissa : mantissa;
    return true;
  }

  /** scanNumber past the integer digits (at a dot or an exponent). */
  private scanFraction(bytes: Uint8Array, start: number, from: number, end: number, integerMantissa: number, integerDigits: number): boolean {
    let index = from;
    let mantissa = integerMantissa;
    let digits = integerDigits;
    let exponent = 0;
    if (bytes[index] === DOT) {
      index++;
      if (index >= end || !isDigit(bytes[index]!)) return false;
      for (; index < end && isDigit(bytes[index]!); index++, digits++, exponent--) mantissa = mantissa * 10 + (bytes[index]! - ZERO);
    }
    let exact = digits <= EXACT_DIGITS_MAX;
    if (index < end && (bytes[index] === LETTER_E || bytes[index] === CAPITAL_E)) {
      index++;
      if (index < end && (bytes[index] === PLUS || bytes[index] === MINUS)) index++;
      if (index >= end || !isDigit(bytes[index]!)) return false;
      // Exponents are rare here: leave them to Number(), which rounds as JSON.parse does.
      while (index < end && isDigit(bytes[index]!)) index++;
      exact = false;
    }
    this.valueEnd = index;
    if (exact && exponent >= -22) {
      // Both operands are exact doubles, so the one division is correctly rounded, as JSON.parse is.
      const magnitude = mantissa / POWERS_OF_TEN[-exponent]!;
      this.numberValue = bytes[start] === MINUS ? -magnitude : magnitude;
    } else this.numberValue = Number(latin1Of(bytes, start, index));
    return true;
  }

  /** Numeric times repeat from line to line (one per host and interval): a repeated input reuses the parse. */
  private readNumericTime(value: number): boolean {
    // 0 and -0 are equal but may parse differently, so zero is never reused.
    if (value === this.lastTimeInput && value !== 0) {
      this.timestampMs = this.lastTimeMs;
      return true;
    }
    if (!this.readTime(value)) return false;
    this.lastTimeInput = value;
    this.lastTimeMs = this.timestampMs;
    return true;
  }

  private readTime(value: unknown): boolean {
    const parsed = this.fields.parseTimestamp(value);
    if (parsed === null || !Number.isFinite(parsed)) return false;
    this.timestampMs = parsed;
    return true;
  }
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

function skipWhitespace(bytes: Uint8Array, start: number, end: number): number {
  let index = start;
  while (index < end) {
    const byte = bytes[index]!;
    if (byte > 0x20 || (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d)) break;
    index++;
  }
  return index;
}

/** Decodes ASCII bytes (each byte is its own UTF-16 code unit). */
function latin1Of(bytes: Uint8Array, start: number, end: number): string {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.toString('latin1', start, end);
}

/** End (the closing quote) of a string starting after its opening quote, or -1 unless printable ASCII without escapes. */
function asciiStringEnd(bytes: Uint8Array, start: number, end: number): number {
  for (let index = start; index < end; index++) {
    const byteClass = STRING_BYTE_CLASS[bytes[index]!]!;
    if (byteClass === 1) return index;
    if (byteClass !== 0) return -1;
  }
  return -1;
}

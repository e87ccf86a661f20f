// The fast JSON path of batch ingestion: reads one newline-delimited JSON line straight from its
// bytes into the index's staging slots, for the common shape (a flat object whose strings are
// printable ASCII without escapes, numbers, nulls). Dimension values are interned from the bytes, so
// a value seen before allocates nothing. Anything else (escapes, non-ASCII, arrays, objects,
// booleans, a string where a number is read or the reverse, duplicate keys, bad JSON, a missing or
// unreadable timestamp) makes scan() return false and the caller takes the general path for that
// line, which decides exactly as before (including error messages).
import { ByteInternTable, HASH_SEED, hashBytes, hashFinish, hashStep } from './byte-intern-table.js';
import type { DimensionColumn } from './dimension-columns.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const PLUS = 0x2b;

/** 10^0 … 10^22: every one is exact in a double, which makes the fast number path correctly rounded. */
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, exponent) => 10 ** exponent);
/** Up to 15 digits a decimal mantissa is an exact integer in a double. */
const EXACT_DIGITS_MAX = 15;

export interface ScannedFields {
  /** Field holding the row time; its value (number or string) goes to `parseTimestamp`. */
  readonly timestampColumn: string;
  readonly parseTimestamp: (value: unknown) => number | null;
  /** Every dimension of the index (schema fixed: no discovery), staged on each scan. */
  readonly dimensions: readonly { readonly name: string; readonly column: DimensionColumn }[];
  /** Per metric, the input field it reads, or null (count). */
  readonly metricFields: readonly (string | null)[];
}

interface FieldTargets {
  isTimestamp: boolean;
  column: DimensionColumn | null;
  readonly metrics: number[];
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;
}

export class FlatJsonScanner {
  /** Row time (ms) of the last successful scan. */
  timestampMs = 0;
  /** Metric inputs of the last successful scan, NaN for null or absent. */
  readonly metricInputs: Float64Array;
  private readonly fieldIds = new ByteInternTable();
  private readonly targets: FieldTargets[] = [];
  /** seen[field] === generation when the current line had the field. */
  private readonly seen: Int32Array;
  /** Field id of each dimension, in `fields.dimensions` order. */
  private readonly dimensionFields: Int32Array;
  private generation = 0;
  private position = 0;
  private timeSeen = false;
  private numberValue = 0;
  private stringHash = 0;
  /** Field ids in the order the previous line had its keys (-1: none), to match keys without hashing. */
  private expectedFields = new Int32Array(16).fill(-1);
  /** Name bytes of each field, or null when a key can never match it byte for byte (quotes, escapes, non-ASCII). */
  private readonly fieldNames: (Uint8Array | null)[] = [];

  constructor(private readonly fields: ScannedFields) {
    this.metricInputs = new Float64Array(fields.metricFields.length);
    this.targetOf(fields.timestampColumn).isTimestamp = true;
    this.dimensionFields = new Int32Array(fields.dimensions.length);
    fields.dimensions.forEach((dimension, index) => {
      this.targetOf(dimension.name).column = dimension.column;
      this.dimensionFields[index] = this.fieldIdOf(dimension.name);
    });
    fields.metricFields.forEach((name, index) => {
      if (name !== null) this.targetOf(name).metrics.push(index);
    });
    this.seen = new Int32Array(this.targets.length);
  }

  private fieldIdOf(name: string): number {
    const bytes = Buffer.from(name, 'utf8');
    return this.fieldIds.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
  }

  private targetOf(name: string): FieldTargets {
    const bytes = Buffer.from(name, 'utf8');
    const hash = hashBytes(bytes, 0, bytes.length);
    const id = this.fieldIds.find(bytes, 0, bytes.length, hash);
    if (id >= 0) return this.targets[id]!;
    const targets: FieldTargets = { isTimestamp: false, column: null, metrics: [] };
    this.fieldIds.insert(bytes, 0, bytes.length, hash, this.targets.length);
    this.targets.push(targets);
    const quoted = Buffer.concat([bytes, Buffer.from('"')]);
    this.fieldNames.push(asciiStringEnd(quoted, 0, quoted.length) === bytes.length ? bytes : null);
    return targets;
  }

  /** Stages line bytes[start, end) (no newline) as a row; false when the general path must read it. */
  scan(bytes: Uint8Array, start: number, end: number): boolean {
    if (++this.generation === 0x7fffffff) {
      this.generation = 1;
      this.seen.fill(0);
    }
    this.timeSeen = false;
    this.metricInputs.fill(Number.NaN);
    if (!this.scanObject(bytes, start, end) || !this.timeSeen) return false;
    const dimensions = this.fields.dimensions;
    for (let index = 0; index < dimensions.length; index++) {
      if (this.seen[this.dimensionFields[index]!] !== this.generation) dimensions[index]!.column.stage(null);
    }
    return true;
  }

  private scanObject(bytes: Uint8Array, start: number, end: number): boolean {
    let index = this.skipWhitespace(bytes, start, end);
    if (bytes[index] !== OPEN_BRACE || index >= end) return false;
    index = this.skipWhitespace(bytes, index + 1, end);
    if (index < end && bytes[index] === CLOSE_BRACE) return this.skipWhitespace(bytes, index + 1, end) === end;
    for (let ordinal = 0; ; ordinal++) {
      if (index >= end || bytes[index] !== QUOTE) return false;
      const keyStart = index + 1;
      let field = this.expectedField(bytes, keyStart, end, ordinal);
      let keyEnd = field >= 0 ? keyStart + this.fieldNames[field]!.length : -1;
      if (field < 0) {
        keyEnd = asciiStringEnd(bytes, keyStart, end);
        if (keyEnd < 0) return false;
        field = this.fieldIds.find(bytes, keyStart, keyEnd, hashBytes(bytes, keyStart, keyEnd));
        this.expect(ordinal, field);
      }
      index = this.skipWhitespace(bytes, keyEnd + 1, end);
      if (index >= end || bytes[index] !== COLON) return false;
      index = this.skipWhitespace(bytes, index + 1, end);
      if (field >= 0) {
        if (this.seen[field] === this.generation) return false;
        this.seen[field] = this.generation;
      }
      if (!this.scanValue(bytes, index, end, field)) return false;
      index = this.skipWhitespace(bytes, this.position, end);
      if (index >= end) return false;
      if (bytes[index] === COMMA) {
        index = this.skipWhitespace(bytes, index + 1, end);
        continue;
      }
      if (bytes[index] !== CLOSE_BRACE) return false;
      return this.skipWhitespace(bytes, index + 1, end) === end;
    }
  }

  /** The field the previous line had at this key position, when this key is byte for byte its name. */
  private expectedField(bytes: Uint8Array, keyStart: number, end: number, ordinal: number): number {
    if (ordinal >= this.expectedFields.length) return -1;
    const field = this.expectedFields[ordinal]!;
    if (field < 0) return -1;
    const name = this.fieldNames[field]!;
    const keyEnd = keyStart + name.length;
    if (keyEnd >= end || bytes[keyEnd] !== QUOTE) return -1;
    for (let index = 0; index < name.length; index++) if (bytes[keyStart + index] !== name[index]) return -1;
    return field;
  }

  private expect(ordinal: number, field: number): void {
    if (ordinal >= this.expectedFields.length) {
      if (ordinal >= 1024) return;
      const grown = new Int32Array(this.expectedFields.length * 2).fill(-1);
      grown.set(this.expectedFields);
      this.expectedFields = grown;
    }
    this.expectedFields[ordinal] = field >= 0 && this.fieldNames[field] !== null ? field : -1;
  }

  /** Reads the value at `index` into field's targets (field < 0: skipped); sets this.position past it. */
  private scanValue(bytes: Uint8Array, index: number, end: number, field: number): boolean {
    if (index >= end) return false;
    const first = bytes[index]!;
    const targets = field >= 0 ? this.targets[field]! : null;
    if (first === QUOTE) {
      const stringEnd = this.hashedStringEnd(bytes, index + 1, end);
      if (stringEnd < 0) return false;
      this.position = stringEnd + 1;
      if (targets === null) return true;
      if (targets.metrics.length > 0) return false;
      if (targets.column !== null) {
        if (!targets.column.stageAscii(bytes, index + 1, stringEnd, this.stringHash)) return false;
      }
      if (targets.isTimestamp) return this.readTime(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', index + 1, stringEnd));
      return true;
    }
    if (first === 0x6e) {
      if (end - index < 4 || bytes[index + 1] !== 0x75 || bytes[index + 2] !== 0x6c || bytes[index + 3] !== 0x6c) return false;
      this.position = index + 4;
      if (targets === null) return true;
      if (targets.isTimestamp) return false;
      if (targets.column !== null) {
        targets.column.stage(null);
      }
      return true;
    }
    if (first !== MINUS && (first < ZERO || first > NINE)) return false;
    if (!this.scanNumber(bytes, index, end)) return false;
    if (targets === null) return true;
    const value = this.numberValue;
    if (targets.column !== null) {
      if (!targets.column.stageNumber(value)) return false;
    }
    for (let metric = 0; metric < targets.metrics.length; metric++) this.metricInputs[targets.metrics[metric]!] = value;
    if (targets.isTimestamp) return this.readTime(value);
    return true;
  }

  private readTime(value: unknown): boolean {
    const parsed = this.fields.parseTimestamp(value);
    if (parsed === null || !Number.isFinite(parsed)) return false;
    this.timestampMs = parsed;
    this.timeSeen = true;
    return true;
  }

  /** Parses a JSON number at `index` into numberValue exactly as JSON.parse would; sets position. */
  private scanNumber(bytes: Uint8Array, start: number, end: number): boolean {
    let index = start;
    const negative = bytes[index] === MINUS;
    if (negative) index++;
    let mantissa = 0;
    let digits = 0;
    if (index < end && bytes[index] === ZERO) {
      index++;
      if (index < end && isDigit(bytes[index]!)) return false;
    } else {
      if (index >= end || !isDigit(bytes[index]!)) return false;
      for (; index < end && isDigit(bytes[index]!); index++, digits++) mantissa = mantissa * 10 + (bytes[index]! - ZERO);
    }
    let exponent = 0;
    if (index < end && bytes[index] === DOT) {
      index++;
      if (index >= end || !isDigit(bytes[index]!)) return false;
      for (; index < end && isDigit(bytes[index]!); index++, digits++, exponent--) mantissa = mantissa * 10 + (bytes[index]! - ZERO);
    }
    let exact = digits <= EXACT_DIGITS_MAX;
    if (index < end && (bytes[index] === 0x65 || bytes[index] === 0x45)) {
      index++;
      if (index < end && (bytes[index] === PLUS || bytes[index] === MINUS)) index++;
      if (index >= end || !isDigit(bytes[index]!)) return false;
      // Exponents are rare here: leave them to Number(), which rounds as JSON.parse does.
      while (index < end && isDigit(bytes[index]!)) index++;
      exact = false;
    }
    this.position = index;
    if (exact && exponent >= -22) {
      const magnitude = exponent === 0 ? mantissa : mantissa / POWERS_OF_TEN[-exponent]!;
      this.numberValue = negative ? -magnitude : magnitude;
      return true;
    }
    this.numberValue = Number(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1', start, index));
    return true;
  }

  /** Like asciiStringEnd, also leaving the string's hashBytes in stringHash (one pass). */
  private hashedStringEnd(bytes: Uint8Array, start: number, end: number): number {
    let hash = HASH_SEED;
    for (let index = start; index < end; index++) {
      const byte = bytes[index]!;
      if (byte === QUOTE) {
        this.stringHash = hashFinish(hash, index - start);
        return index;
      }
      if (byte === BACKSLASH || byte < 0x20 || byte >= 0x7f) return -1;
      hash = hashStep(hash, byte);
    }
    return -1;
  }

  private skipWhitespace(bytes: Uint8Array, start: number, end: number): number {
    let index = start;
    while (index < end && isWhitespace(bytes[index]!)) index++;
    return index;
  }
}

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE;
}

/** End (the closing quote) of a string starting after its opening quote, or -1 unless printable ASCII without escapes. */
function asciiStringEnd(bytes: Uint8Array, start: number, end: number): number {
  for (let index = start; index < end; index++) {
    const byte = bytes[index]!;
    if (byte === QUOTE) return index;
    if (byte === BACKSLASH || byte < 0x20 || byte >= 0x7f) return -1;
  }
  return -1;
}

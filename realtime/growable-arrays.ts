// Append-only typed arrays that double when full: per-row index storage without boxed numbers. A
// reserve may ask for shared memory, so worker threads read the rows without a copy (until the next
// growth, which goes back to ordinary memory).

/**
 * Room for `needed` values in shared memory, with an eighth more: storage kept across clear() then
 * fits the next batch of about the same size without growing again.
 */
function sharedSize(needed: number): number {
  return needed + (needed >>> 3);
}

export class GrowableInt32Array {
  data: Int32Array<ArrayBufferLike> = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = value;
  }

  /** Makes room for `count` more values; `shared`: that room and an eighth more, in a SharedArrayBuffer. */
  reserve(count: number, shared = false): void {
    if (this.length + count <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < this.length + count) size *= 2;
    const grown = shared ? new Int32Array(new SharedArrayBuffer(sharedSize(this.length + count) * 4)) : new Int32Array(size);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  /** Takes `buffer` (nothing else may use it) as storage while empty, when it holds more than the present one. */
  adopt(buffer: ArrayBufferLike): void {
    if (this.length === 0 && buffer.byteLength >> 2 > this.data.length) this.data = new Int32Array(buffer, 0, buffer.byteLength >> 2);
  }

  /** Empties the array; `keepCapacity` keeps its storage for the next rows (nothing may still read it). */
  clear(keepCapacity = false): void {
    if (!keepCapacity) this.data = new Int32Array(1024);
    this.length = 0;
  }
}

export class GrowableFloat64Array {
  data: Float64Array<ArrayBufferLike> = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = value;
  }

  /** Appends every value of `values`. */
  pushAll(values: Float64Array): void {
    this.reserve(values.length);
    this.data.set(values, this.length);
    this.length += values.length;
  }

  /** Makes room for `count` more values; `shared`: that room and an eighth more, in a SharedArrayBuffer. */
  reserve(count: number, shared = false): void {
    if (this.length + count <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < this.length + count) size *= 2;
    const grown = shared ? new Float64Array(new SharedArrayBuffer(sharedSize(this.length + count) * 8)) : new Float64Array(size);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  /** Takes `buffer` (nothing else may use it) as storage while empty, when it holds more than the present one. */
  adopt(buffer: ArrayBufferLike): void {
    if (this.length === 0 && buffer.byteLength >> 3 > this.data.length) this.data = new Float64Array(buffer, 0, buffer.byteLength >> 3);
  }

  /** A copy of the filled part. */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }

  /** Empties the array; `keepCapacity` keeps its storage for the next rows (nothing may still read it). */
  clear(keepCapacity = false): void {
    if (!keepCapacity) this.data = new Float64Array(1024);
    this.length = 0;
  }
}

// Append-only typed arrays that double when full: per-row index storage without boxed numbers.

export class GrowableInt32Array {
  data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  clear(): void {
    this.data = new Int32Array(1024);
    this.length = 0;
  }
}

export class GrowableFloat64Array {
  data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** A copy of the filled part. */
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }

  clear(): void {
    this.data = new Float64Array(1024);
    this.length = 0;
  }
}

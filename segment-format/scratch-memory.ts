// Reusable buffers for the temporaries of a thread that encodes column after column (an ingestion
// worker writing final segments): each named slot keeps one buffer, grown when a request needs more.
// On a VM, fresh memory costs far more than a pass over it (about 2 ms of system time per MB faulted
// in on the bench machine), and a 4-million-row column's temporaries come to tens of MB each.
//
// What a slot hands out is uninitialised (a caller writes every element it reads) and valid only
// until the same slot is asked for again: for temporaries used and dropped within one synchronous
// call, never for anything returned to a caller or kept.

export class ScratchMemory {
  private readonly buffers = new Map<string, ArrayBuffer>();

  private buffer(slot: string, byteLength: number): ArrayBuffer {
    const held = this.buffers.get(slot);
    if (held !== undefined && held.byteLength >= byteLength) return held;
    // A little headroom: the next column is often a few rows longer.
    const grown = new ArrayBuffer(Math.max(byteLength + (byteLength >>> 4), 64));
    this.buffers.set(slot, grown);
    return grown;
  }

  float64(slot: string, length: number): Float64Array {
    return new Float64Array(this.buffer(slot, length * 8), 0, length);
  }

  uint8(slot: string, length: number): Uint8Array {
    return new Uint8Array(this.buffer(slot, length), 0, length);
  }

  uint16(slot: string, length: number): Uint16Array {
    return new Uint16Array(this.buffer(slot, length * 2), 0, length);
  }

  uint32(slot: string, length: number): Uint32Array {
    return new Uint32Array(this.buffer(slot, length * 4), 0, length);
  }

  /** A Buffer view (for its write methods), 4-aligned like every slot. */
  bytes(slot: string, length: number): Buffer {
    return Buffer.from(this.buffer(slot, length), 0, length);
  }
}

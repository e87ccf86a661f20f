// Reads byte ranges of files in pieces into two buffers used in turn, for a reader that is done with
// a piece once the piece after it has come (readLineBatches): one worker reading gigabytes, range after
// range, reuses the same two buffers. (Fresh buffers per read cost page faults, which on a VM are
// dear, and, as external memory, push V8 into a full garbage collection every few dozen megabytes.)
import { open } from 'node:fs/promises';

export class FileRangeReader {
  private readonly buffers: [Buffer, Buffer];

  constructor(pieceBytes: number) {
    this.buffers = [Buffer.allocUnsafe(pieceBytes), Buffer.allocUnsafe(pieceBytes)];
  }

  /**
   * Yields the bytes of [start, end) of the file at `path` in pieces. One range at a time: a piece
   * is overwritten two pieces later, within the range or in the next one read.
   */
  read(path: string, start: number, end: number, onRead?: (bytes: number) => void): AsyncGenerator<Buffer> {
    return readFileRange(path, start, end, this.buffers, onRead);
  }
}

async function* readFileRange(path: string, start: number, end: number, buffers: [Buffer, Buffer], onRead?: (bytes: number) => void): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    let turn = 0;
    for (let position = start; position < end; ) {
      const buffer = buffers[turn]!;
      turn ^= 1;
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - position), position);
      // The file ended early (it shrank since the chunks were cut): what is there is all there is.
      if (bytesRead === 0) return;
      position += bytesRead;
      onRead?.(bytesRead);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

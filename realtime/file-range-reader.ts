// Reads a byte range of a file in pieces into two buffers used in turn, for a reader that is done
// with a piece once the piece after it has come (readLineBatches): one worker reading gigabytes then
// allocates two buffers, not one per piece. (Fresh buffers per read cost page faults and, as external
// memory, push V8 into a full garbage collection every few dozen megabytes.)
import { open } from 'node:fs/promises';

/** Yields the bytes of [start, end) of the file at `path` in pieces of at most `pieceBytes`. */
export async function* readFileRange(path: string, start: number, end: number, pieceBytes: number, onRead?: (bytes: number) => void): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const size = Math.max(1, Math.min(pieceBytes, end - start));
    const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
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

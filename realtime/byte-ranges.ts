// Cuts local input files into contiguous byte ranges of about equal size for parallel reading. Every
// cut lies just after a newline, so each range holds whole lines and the ranges in order are exactly
// the files' lines in order (a file's last line may lack its newline; it stays in the file's last range).
import { open } from 'node:fs/promises';

/** Bytes [start, end) of one file. */
export interface ByteRange {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

const NEWLINE = 0x0a;
const PROBE_BYTES = 64 * 1024;

/**
 * Splits the files (in order) into `pieces` groups of consecutive ranges, each group about
 * totalBytes / pieces long. A group may be empty when lines are longer than a piece.
 */
export async function splitIntoPieces(files: readonly { path: string; sizeBytes: number }[], pieces: number): Promise<ByteRange[][]> {
  const totalBytes = files.reduce((total, file) => total + file.sizeBytes, 0);
  const groups: ByteRange[][] = Array.from({ length: pieces }, () => []);
  let fileStart = 0;
  for (const file of files) {
    const fileEnd = fileStart + file.sizeBytes;
    let start = 0;
    for (let piece = 0; piece < pieces && start < file.sizeBytes; piece++) {
      const pieceEnd = piece === pieces - 1 ? totalBytes : Math.round((totalBytes * (piece + 1)) / pieces);
      if (pieceEnd <= fileStart + start) continue;
      const end = pieceEnd >= fileEnd ? file.sizeBytes : await lineStartAtOrAfter(file.path, pieceEnd - fileStart, file.sizeBytes);
      if (end > start) groups[piece]!.push({ path: file.path, start, end });
      start = end;
    }
    fileStart = fileEnd;
  }
  return groups;
}

/** The first offset at or after `offset` that starts a line (follows a newline), or `size`. */
export async function lineStartAtOrAfter(path: string, offset: number, size: number): Promise<number> {
  if (offset <= 0) return 0;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(PROBE_BYTES);
    // The byte before `offset` may itself be the newline that makes `offset` a line start.
    for (let position = offset - 1; position < size; position += PROBE_BYTES) {
      const { bytesRead } = await handle.read(buffer, 0, PROBE_BYTES, position);
      if (bytesRead === 0) break;
      const newline = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
      if (newline >= 0) return position + newline + 1;
    }
    return size;
  } finally {
    await handle.close();
  }
}

/** Cuts each file (in order) into ranges of about `chunkBytes` (at line starts), all in input order. */
export async function splitIntoChunks(files: readonly { path: string; sizeBytes: number }[], chunkBytes: number): Promise<ByteRange[]> {
  const chunks: ByteRange[] = [];
  for (const file of files) {
    const pieces = Math.max(1, Math.round(file.sizeBytes / chunkBytes));
    for (const group of await splitIntoPieces([file], pieces)) chunks.push(...group);
  }
  return chunks;
}

// Reads a file through once so the next reader finds it in the OS page cache. The bench loads each
// system right after this: otherwise the first system to load might read a multi-GB input from disk
// (memory reclaim on some VMs evicts cold page cache between runs) and the second find it cached.
import { open } from 'node:fs/promises';

const READ_BYTES = 8 << 20;

/** Reads `path` to its end, discarding the bytes. */
export async function warmPageCache(path: string): Promise<void> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES);
    for (let position = 0; ; ) {
      const { bytesRead } = await file.read(buffer, 0, READ_BYTES, position);
      if (bytesRead === 0) return;
      position += bytesRead;
    }
  } finally {
    await file.close();
  }
}

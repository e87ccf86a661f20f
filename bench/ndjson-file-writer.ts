// Buffered, backpressure-aware writing of newline-delimited JSON. Generators produce lines far faster
// than the disk takes them; batching ~1 MiB per write keeps both the syscall count and memory small.
import { open, rename, rm, type FileHandle } from 'node:fs/promises';

const flushThresholdChars = 1 << 20;

export class NdjsonFileWriter {
  private pending: string[] = [];
  private pendingChars = 0;
  private bytesWritten = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly partialPath: string,
    private readonly finalPath: string,
  ) {}

  /** Writes to `<path>.partial` and renames on `finish`, so an interrupted run never leaves a truncated cache file. */
  static async create(path: string): Promise<NdjsonFileWriter> {
    const partialPath = `${path}.partial`;
    return new NdjsonFileWriter(await open(partialPath, 'w'), partialPath, path);
  }

  /**
   * Appends one line (without its newline). Returns true when the buffer is full; the caller must then
   * `await flush()` (kept synchronous otherwise, because an await per line halves generation speed).
   */
  append(line: string): boolean {
    this.pending.push(line);
    this.pendingChars += line.length + 1;
    return this.pendingChars >= flushThresholdChars;
  }

  /** Flushes, closes and moves the file into place; returns its size in bytes. */
  async finish(): Promise<number> {
    await this.flush();
    await this.handle.close();
    await rename(this.partialPath, this.finalPath);
    return this.bytesWritten;
  }

  /** Closes and deletes the partial file after a failure. */
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.partialPath, { force: true });
  }

  /** Writes the buffered lines. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const buffer = Buffer.from(this.pending.join('\n') + '\n', 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    await this.handle.write(buffer);
    this.bytesWritten += buffer.length;
  }
}

// A worker's open segment files. Segment files are immutable, so a worker opens each once and keeps
// it, with the columns the main thread shared for it, for later queries; the least recently used file
// is closed past a bound, which releases its shared columns (and decoded dictionaries) too. A file
// whose id or size differs from what the main thread expects (replaced, or dropped and re-fetched
// elsewhere) is reopened, and one that cannot be opened is reported as unavailable.
import { openSegment, type SegmentFile } from '../../segment-format/segment-reader.js';
import { SharedColumnsSegment } from './shared-columns-segment.js';
import type { SegmentFileReference } from './worker-protocol.js';

export class SegmentUnavailableError extends Error {
  override readonly name = 'SegmentUnavailableError';
}

export class WorkerSegmentCache {
  /** In use order: the first entry is the least recently used. */
  private readonly files = new Map<string, SharedColumnsSegment>();

  constructor(private readonly openSegmentsMax: number) {}

  /** The opened file for the reference; throws SegmentUnavailableError when it cannot be the one meant. */
  async open(reference: SegmentFileReference): Promise<SharedColumnsSegment> {
    const cached = this.files.get(reference.path);
    if (cached !== undefined) {
      this.files.delete(reference.path);
      if (cached.opening === reference.opening && cached.id === reference.id && cached.file.sizeBytes === reference.sizeBytes) {
        this.files.set(reference.path, cached);
        return cached;
      }
      cached.close();
    }
    const file = await openOrUnavailable(reference.path);
    if (file.id !== reference.id || file.sizeBytes !== reference.sizeBytes) {
      file.close();
      throw new SegmentUnavailableError(`${reference.path} holds ${file.id} (${file.sizeBytes} bytes), not ${reference.id} (${reference.sizeBytes} bytes)`);
    }
    const segment = new SharedColumnsSegment(file, reference.opening);
    this.files.set(reference.path, segment);
    this.evictPastBound();
    return segment;
  }

  private evictPastBound(): void {
    for (const [path, file] of this.files) {
      if (this.files.size <= this.openSegmentsMax) return;
      this.files.delete(path);
      file.close();
    }
  }
}

async function openOrUnavailable(path: string): Promise<SegmentFile> {
  try {
    return await openSegment(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // A missing file was dropped after the query took its slices; the main thread still holds it open.
    if (code === 'ENOENT' || code === 'EACCES') throw new SegmentUnavailableError(`cannot open ${path}: ${String(code)}`);
    throw error;
  }
}

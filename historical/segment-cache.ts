// A historical's local copy of the segments it serves. Files are pulled from deep storage into a
// temporary name, verified, then renamed into place and recorded in a manifest, so after a restart
// every file the manifest names is complete and is reused without downloading it again. A file
// that fails verification is never served: it is deleted and pulled once more.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SedimentError, assert } from '../cluster/errors.js';
import type { DeepStorage } from '../cluster/deep-storage.js';
import type { SegmentRecord } from '../cluster/metadata-store.js';
import type { QueryableSegment } from '../query/queryable-segment.js';
import { openSegment } from '../segment-format/segment-reader.js';
import { verifySegment } from '../segment-format/segment-verifier.js';

/** An opened segment file: queryable until closed. */
export type OpenedSegment = QueryableSegment & { close(): void | Promise<void> };

export interface SegmentCacheOptions {
  /** Total bytes of segment files the cache may hold; a load past it fails with resource_limit. */
  readonly maxSizeBytes: number;
  /** Checks a file's checksums and structure; defaults to segment-format's verifySegment at checksum depth. */
  readonly verify?: (path: string) => Promise<{ ok: boolean; problems: string[] }>;
  /** Opens a verified file; defaults to segment-format's openSegment. */
  readonly open?: (path: string) => Promise<OpenedSegment>;
}

interface ManifestEntry {
  /** File name inside the cache directory. */
  readonly file: string;
  readonly sizeBytes: number;
  /** The segment's record, so a restarted historical can serve (and announce) it before any coordinator asks. */
  readonly record?: SegmentRecord;
}

interface Manifest {
  readonly formatVersion: 1;
  readonly segments: Record<string, ManifestEntry>;
}

const manifestName = 'manifest.json';

export class SegmentCache {
  private readonly entries = new Map<string, ManifestEntry>();
  private readonly opened = new Map<string, OpenedSegment>();
  private readonly inFlight = new Map<string, Promise<OpenedSegment>>();
  private readonly verify: (path: string) => Promise<{ ok: boolean; problems: string[] }>;
  private readonly open: (path: string) => Promise<OpenedSegment>;
  private readonly maxSizeBytes: number;
  /** Bytes promised to downloads in progress, so concurrent loads cannot overshoot the bound. */
  private reservedBytes = 0;
  private manifestWrite: Promise<void> = Promise.resolve();

  /** Creates `dir` if needed and adopts the complete files a previous run left there. */
  constructor(
    private readonly dir: string,
    private readonly deepStorage: DeepStorage,
    options: SegmentCacheOptions,
  ) {
    assert(Number.isSafeInteger(options.maxSizeBytes) && options.maxSizeBytes > 0, 'segment cache maxSizeBytes is a positive integer');
    this.maxSizeBytes = options.maxSizeBytes;
    this.verify = options.verify ?? ((path) => verifySegment(path, 'checksums'));
    this.open = options.open ?? (openSegment as (path: string) => Promise<OpenedSegment>);
    mkdirSync(dir, { recursive: true });
    this.adoptExistingFiles();
  }

  /**
   * The segment, opened. Uses the cached file when present and valid, otherwise pulls it from deep
   * storage; a file failing verification is deleted and pulled once more, then corrupt_segment.
   * Loading an already loaded segment returns the same object.
   */
  async load(record: SegmentRecord): Promise<QueryableSegment> {
    const opened = this.opened.get(record.id);
    if (opened !== undefined) return opened;
    let pending = this.inFlight.get(record.id);
    if (pending === undefined) {
      pending = this.loadUncached(record).finally(() => this.inFlight.delete(record.id));
      this.inFlight.set(record.id, pending);
    }
    return pending;
  }

  /** Close the segment (if open) and delete its file. Dropping an unknown segment is a no-op. */
  async drop(segmentId: string): Promise<void> {
    await this.inFlight.get(segmentId)?.catch(() => undefined);
    const opened = this.opened.get(segmentId);
    this.opened.delete(segmentId);
    if (opened !== undefined) await opened.close();
    await this.forget(segmentId);
  }

  /** Delete the segment's file and manifest entry. */
  private async forget(segmentId: string): Promise<void> {
    const entry = this.entries.get(segmentId);
    if (entry === undefined) return;
    this.entries.delete(segmentId);
    await this.writeManifest();
    await rm(join(this.dir, entry.file), { force: true });
  }

  /** Segments currently open, in load order. */
  loaded(): QueryableSegment[] {
    return [...this.opened.values()];
  }

  /** Ids of every segment with a complete file in the cache, opened or not. */
  cachedIds(): string[] {
    return [...this.entries.keys()];
  }

  /** Records of the complete files in the cache (files from before records were kept are left out). */
  cachedRecords(): SegmentRecord[] {
    const records: SegmentRecord[] = [];
    for (const entry of this.entries.values()) if (entry.record !== undefined) records.push(entry.record);
    return records;
  }

  /** The configured bound on the bytes of segment files. */
  get capacityBytes(): number {
    return this.maxSizeBytes;
  }

  /** Bytes of segment files in the cache. */
  sizeBytes(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.sizeBytes;
    return total;
  }

  /** Close every open segment, keeping the files for the next start. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
    const opened = [...this.opened.values()];
    this.opened.clear();
    for (const segment of opened) await segment.close();
    await this.manifestWrite;
  }

  private async loadUncached(record: SegmentRecord): Promise<OpenedSegment> {
    const cached = this.entries.get(record.id);
    if (cached !== undefined) {
      const path = join(this.dir, cached.file);
      if ((await this.verify(path)).ok) return this.openVerified(record, path);
      await this.forget(record.id);
    }
    const path = await this.download(record);
    return this.openVerified(record, path);
  }

  /** Pull, verify (pulling once more on failure), then rename into place and record it. */
  private async download(record: SegmentRecord): Promise<string> {
    const budget = this.maxSizeBytes - this.sizeBytes() - this.reservedBytes;
    if (record.sizeBytes > budget) {
      throw new SedimentError(
        'resource_limit',
        `segment cache ${this.dir} cannot hold ${record.id} (${record.sizeBytes} bytes): ` +
          `${Math.max(0, budget)} of ${this.maxSizeBytes} bytes free; raise segmentCache.maxSizeBytes or drop segments`,
      );
    }
    this.reservedBytes += record.sizeBytes;
    const temporary = join(this.dir, `.download-${randomBytes(8).toString('hex')}`);
    try {
      let problems = await this.pullAndVerify(record, temporary);
      if (problems.length > 0) problems = await this.pullAndVerify(record, temporary);
      if (problems.length > 0) {
        throw new SedimentError('corrupt_segment', `segment ${record.id} from deep storage ${record.deepStorageKey} failed verification twice: ${problems.join('; ')}`);
      }
      const sizeBytes = (await stat(temporary)).size;
      if (this.sizeBytes() + this.reservedBytes - record.sizeBytes + sizeBytes > this.maxSizeBytes) {
        throw new SedimentError('resource_limit', `segment ${record.id} is ${sizeBytes} bytes, not the ${record.sizeBytes} its record says, and does not fit in segment cache ${this.dir}`);
      }
      const file = cacheFileName(record.id);
      await rename(temporary, join(this.dir, file));
      this.entries.set(record.id, { file, sizeBytes, record });
      await this.writeManifest();
      return join(this.dir, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    } finally {
      this.reservedBytes -= record.sizeBytes;
    }
  }

  private async pullAndVerify(record: SegmentRecord, path: string): Promise<string[]> {
    await this.deepStorage.pull(record.deepStorageKey, path);
    const result = await this.verify(path);
    return result.ok ? [] : result.problems.length > 0 ? result.problems : ['verification failed'];
  }

  private async openVerified(record: SegmentRecord, path: string): Promise<OpenedSegment> {
    const segment = await this.open(path);
    if (segment.id !== record.id) {
      await segment.close();
      await this.forget(record.id);
      throw new SedimentError('corrupt_segment', `file for segment ${record.id} holds segment ${segment.id}; deep storage key ${record.deepStorageKey} points at the wrong file`);
    }
    this.opened.set(record.id, segment);
    return segment;
  }

  /** Writes are chained so snapshots land in order; each is atomic (temporary file, rename). */
  private writeManifest(): Promise<void> {
    const manifest: Manifest = { formatVersion: 1, segments: Object.fromEntries(this.entries) };
    const text = JSON.stringify(manifest);
    const write = async (): Promise<void> => {
      const temporary = join(this.dir, `.manifest-${randomBytes(8).toString('hex')}`);
      await writeFile(temporary, text);
      await rename(temporary, join(this.dir, manifestName));
    };
    this.manifestWrite = this.manifestWrite.then(write, write);
    return this.manifestWrite;
  }

  /** Keep manifest entries whose file is present at the recorded size; delete every other file. */
  private adoptExistingFiles(): void {
    const manifest = readManifest(join(this.dir, manifestName));
    for (const [id, entry] of Object.entries(manifest.segments)) {
      const size = fileSize(join(this.dir, entry.file));
      if (size === entry.sizeBytes) this.entries.set(id, entry);
    }
    const kept = new Set([manifestName, ...[...this.entries.values()].map((entry) => entry.file)]);
    for (const name of readdirSync(this.dir)) {
      if (!kept.has(name)) rmSync(join(this.dir, name), { recursive: true, force: true });
    }
  }
}

function readManifest(path: string): Manifest {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { formatVersion: 1, segments: {} };
  }
  try {
    const parsed = JSON.parse(text) as Partial<Manifest>;
    if (parsed.formatVersion !== 1 || typeof parsed.segments !== 'object' || parsed.segments === null) throw new Error('unknown format');
    return { formatVersion: 1, segments: parsed.segments };
  } catch {
    // An unreadable manifest costs re-downloads, not correctness: start empty.
    return { formatVersion: 1, segments: {} };
  }
}

function fileSize(path: string): number | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined;
  }
}

/** Readable, filesystem-safe and bounded in length; the hash keeps distinct ids distinct. */
function cacheFileName(segmentId: string): string {
  const readable = segmentId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
  const hash = createHash('sha256').update(segmentId).digest('hex').slice(0, 16);
  return `${readable}-${hash}.sdm`;
}

// The coordinator duty loop: make what historicals serve match what the metadata store says is used.
// Each run: load used segments nobody serves (newest first, bounded per run, one replica), retire
// (mark unused) segments fully overshadowed by served segments of a higher version, and drop
// served segments that are no longer used. Overshadowed segments are retired only once their
// replacements are served, so a query never finds a time range with neither.
import type { Logger } from '../cluster/logger.js';
import type { MetadataStore, SegmentRecord } from '../cluster/metadata-store.js';
import type { SegmentManager } from '../historical/segment-manager.js';
import { overshadowedSegmentIds } from './overshadowed-segments.js';

export interface CoordinatorOptions {
  /** Pause between the end of one run and the start of the next. */
  readonly periodMs: number;
  /** Segments loaded per run at most, so one run cannot monopolise disk and network. */
  readonly maxLoadsPerRun: number;
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface CoordinatorRunResult {
  /** Segments a historical started serving. */
  readonly loaded: number;
  /** Segments a historical stopped serving (or deleted from its cache) because they are no longer used. */
  readonly dropped: number;
  /** Overshadowed segments marked unused in the metadata store. */
  readonly markedUnused: number;
}

/** Loads run this many at a time: enough to overlap download and verification, few enough to bound memory. */
const loadConcurrency = 4;

export class Coordinator {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private generation = 0;
  private lastRun: Promise<CoordinatorRunResult> = Promise.resolve({ loaded: 0, dropped: 0, markedUnused: 0 });

  constructor(
    private readonly store: MetadataStore,
    private readonly historicals: readonly SegmentManager[],
    private readonly options: CoordinatorOptions,
  ) {}

  /** Run periodically until stop(); runs never overlap. The timer does not keep the process alive. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  /** Stop scheduling runs; a run in progress finishes. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * One run, after any run in progress (so a caller that just published sees its segments handled).
   * Never rejects: failures are logged and the counts say what was done.
   */
  runOnce(): Promise<CoordinatorRunResult> {
    const run = this.lastRun.then(() => this.runSafely());
    this.lastRun = run;
    return run;
  }

  private schedule(): void {
    // A stop() then start() while a run is in flight must not leave two loops: only the loop of
    // the current generation reschedules.
    const generation = ++this.generation;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce().then(() => {
        if (this.running && generation === this.generation) this.schedule();
      });
    }, this.options.periodMs);
    this.timer.unref();
  }

  private async runSafely(): Promise<CoordinatorRunResult> {
    const counts = { loaded: 0, dropped: 0, markedUnused: 0 };
    try {
      await this.run(counts);
    } catch (error) {
      this.options.log.error({ err: error }, 'coordinator run failed');
    }
    if (counts.loaded + counts.dropped + counts.markedUnused > 0) this.options.log.info(counts, 'coordinator run');
    return counts;
  }

  private async run(counts: { loaded: number; dropped: number; markedUnused: number }): Promise<void> {
    const used = await this.store.usedSegments();
    counts.loaded = await this.loadMissing(used);

    const served = this.servedIds();
    const servedUsed = used.filter((record) => served.has(record.id));
    const retire = [...overshadowedSegmentIds(used, servedUsed)];
    if (retire.length > 0) counts.markedUnused = await this.store.markUnused(retire);

    const retired = new Set(retire);
    const stillUsed = new Set(used.filter((record) => !retired.has(record.id)).map((record) => record.id));
    counts.dropped = await this.dropUnused(stillUsed);
  }

  /** Load used segments no historical serves, except those higher versions already hide. */
  private async loadMissing(used: readonly SegmentRecord[]): Promise<number> {
    if (this.historicals.length === 0) return 0;
    const served = this.servedIds();
    const hidden = overshadowedSegmentIds(used, used);
    const missing = used
      .filter((record) => !served.has(record.id) && !hidden.has(record.id))
      .sort((a, b) => b.interval.endMs - a.interval.endMs || b.interval.startMs - a.interval.startMs)
      .slice(0, this.options.maxLoadsPerRun);
    let loaded = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < missing.length) {
        const record = missing[next++]!;
        if (await this.loadOne(record)) loaded++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(loadConcurrency, missing.length) }, worker));
    return loaded;
  }

  private async loadOne(record: SegmentRecord): Promise<boolean> {
    const historical = this.chooseHistorical(record.id);
    try {
      await historical.load(record);
      return true;
    } catch (error) {
      this.options.log.warn({ err: error, segment: record.id }, 'segment load failed; will retry next run');
      return false;
    }
  }

  /** Prefer a historical that still has the file cached; otherwise the least loaded. */
  private chooseHistorical(segmentId: string): SegmentManager {
    const withFile = this.historicals.find((historical) => historical.cachedButNotServed().includes(segmentId));
    if (withFile !== undefined) return withFile;
    let best = this.historicals[0]!;
    for (const historical of this.historicals) if (historical.served().length < best.served().length) best = historical;
    return best;
  }

  /** Drop served or cached segments that are not used; returns how many were dropped. */
  private async dropUnused(used: ReadonlySet<string>): Promise<number> {
    let dropped = 0;
    for (const historical of this.historicals) {
      const stale = [...historical.served().map(({ record }) => record.id), ...historical.cachedButNotServed()].filter((id) => !used.has(id));
      for (const id of new Set(stale)) {
        try {
          await historical.drop(id);
          dropped++;
        } catch (error) {
          this.options.log.warn({ err: error, segment: id }, 'segment drop failed; will retry next run');
        }
      }
    }
    return dropped;
  }

  private servedIds(): Set<string> {
    const ids = new Set<string>();
    for (const historical of this.historicals) for (const { record } of historical.served()) ids.add(record.id);
    return ids;
  }
}

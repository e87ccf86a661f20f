// The coordinator's kill duty: every period, permanently delete unused segments whose interval ended
// more than `durationToRetainMs` ago and which were marked unused more than `bufferPeriodMs` ago,
// at most `maxSegmentsPerRun` per run, across all datasources.
import type { DeepStorage } from '../../cluster/deep-storage.js';
import type { Logger } from '../../cluster/logger.js';
import type { TimeInterval } from '../../segment-format/segment-metadata.js';
import { killUnusedSegments, type KillResult, type KillStore } from './kill-unused-segments.js';
import { PeriodicRun } from '../periodic-run.js';

export interface KillDutyOptions {
  readonly store: KillStore;
  readonly deepStorage: DeepStorage;
  /** Pause between runs. */
  readonly periodMs: number;
  /** Keep unused segments whose interval ended within this long ago (Druid's durationToRetain). */
  readonly durationToRetainMs: number;
  /** Keep segments marked unused within this long ago (Druid's bufferPeriod), so a mistaken drop can be undone. */
  readonly bufferPeriodMs: number;
  /** Bounds one run's work. */
  readonly maxSegmentsPerRun: number;
  /** Datasources to consider; default: those with at least one used segment (the seam lists no others). */
  readonly dataSources?: () => Promise<string[]>;
  readonly log?: Pick<Logger, 'info' | 'error'>;
  readonly nowMs?: () => number;
}

export class KillDuty {
  private readonly schedule: PeriodicRun<number>;

  constructor(private readonly options: KillDutyOptions) {
    this.schedule = new PeriodicRun(options.periodMs, () => this.runSafely(), 0);
  }

  /** Runs every periodMs until stop(); the timer does not keep the process alive. */
  start(): void {
    this.schedule.start();
  }

  stop(): void {
    this.schedule.stop();
  }

  /** One run after any in progress; resolves to how many segments it killed. Never rejects. */
  runOnce(): Promise<number> {
    return this.schedule.runOnce();
  }

  /** Kill unused segments of one datasource inside `interval` now, ignoring the retention rules (the kill API and CLI). */
  async killInterval(dataSource: string, interval: TimeInterval): Promise<KillResult> {
    return killUnusedSegments(this.options.store, this.options.deepStorage, { dataSource, interval });
  }

  private async runSafely(): Promise<number> {
    const { store, deepStorage, log } = this.options;
    const nowMs = (this.options.nowMs ?? Date.now)();
    let budget = this.options.maxSegmentsPerRun;
    let killed = 0;
    try {
      for (const dataSource of await this.dataSourceNames()) {
        if (budget <= 0) break;
        const result = await killUnusedSegments(store, deepStorage, {
          dataSource,
          endedBeforeMs: nowMs - this.options.durationToRetainMs,
          unusedBeforeMs: nowMs - this.options.bufferPeriodMs,
          limit: budget,
        });
        budget -= result.killed.length;
        killed += result.killed.length;
      }
      if (killed > 0) log?.info({ killed }, 'kill duty deleted unused segments');
    } catch (error) {
      log?.error({ err: error }, 'kill duty failed');
    }
    return killed;
  }

  private async dataSourceNames(): Promise<string[]> {
    if (this.options.dataSources !== undefined) return this.options.dataSources();
    return this.options.store.dataSources();
  }
}

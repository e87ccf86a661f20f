// Runs one compaction: plan from the metadata store, pull the inputs from deep storage, merge them
// into new segments under a new version, push, then publish in ONE metadata transaction that also
// retires the inputs. Until that transaction commits the old segments serve; a crash anywhere before
// it leaves only unreferenced files, and a rerun starts over under a fresh version.
//
// Concurrent appends: the publish carries a precondition (the interval's used segments are exactly
// the inputs), checked inside the publish transaction; if any segment appeared or vanished since
// planning, the task fails with nothing published and the old segments plus the append keep
// serving (rerun to include them). An append that chose the old version but publishes after the
// compaction is rescued by rewriting it under the new version (appended-segment-upgrade.ts).
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SedimentError } from '../../cluster/errors.js';
import type { DeepStorage } from '../../cluster/deep-storage.js';
import type { MetadataStore, SegmentRecord } from '../../cluster/metadata-store.js';
import { deepStorageKeyOf } from '../../cluster/segment-keys.js';
import { formatInterval } from '../../query/intervals.js';
import { openSegment, type SegmentFile } from '../../segment-format/segment-reader.js';
import { upgradeOvershadowedSegments } from './appended-segment-upgrade.js';
import { publishedSegmentRecord } from '../../cluster/published-segment-record.js';
import { planCompaction, type CompactionInput, type CompactionPlan } from './compaction-plan.js';
import { compactionSchemaOf } from './compaction-schema.js';
import type { CompactionSpec } from './compaction-spec.js';
import { mergeIntoSegments, type MergedSegment } from './segment-merger.js';
import { SegmentRowCursor } from './segment-row-cursor.js';

export type CompactionStage = 'planned' | 'pulled' | 'merged' | 'pushed' | 'published';

export interface CompactionDependencies {
  readonly store: MetadataStore;
  readonly deepStorage: DeepStorage;
  /** Scratch directory for this task; created, and removed at the end. */
  readonly workDir: string;
  readonly signal?: AbortSignal;
  /** Rows merged so far out of the visible input rows. */
  readonly onProgress?: (progress: { rowsDone: number; rowsTotal: number }) => void;
  /** Called as each stage completes; a throw here fails the task like a crash at that point (tests). */
  readonly onStage?: (stage: CompactionStage) => Promise<void> | void;
  /** Clock for the new version; default Date.now. */
  readonly nowMs?: () => number;
}

export interface CompactionResult {
  readonly dataSource: string;
  readonly interval: string;
  readonly version: string;
  readonly inputSegments: number;
  readonly inputBytes: number;
  readonly inputRows: number;
  readonly outputSegments: number;
  readonly outputBytes: number;
  readonly outputRows: number;
  /** Segments appended during the publish window that were rewritten under the new version. */
  readonly upgradedAppends: number;
  readonly durationMs: number;
  /** The published records (outputs, then upgraded appends). */
  readonly published: readonly SegmentRecord[];
}

export async function runCompaction(spec: CompactionSpec, dependencies: CompactionDependencies): Promise<CompactionResult> {
  const startedMs = Date.now();
  const { store } = dependencies;
  const used = await store.usedSegments(spec.dataSource, spec.interval);
  const plan = planCompaction(spec, used, (dependencies.nowMs ?? Date.now)());
  await dependencies.onStage?.('planned');
  await mkdir(dependencies.workDir, { recursive: true });
  const pushed: SegmentRecord[] = [];
  let published = false;
  try {
    const merged = await mergeInputs(spec, plan, dependencies);
    await dependencies.onStage?.('merged');
    for (const segment of merged) pushed.push(await pushOne(segment, dependencies.deepStorage));
    await dependencies.onStage?.('pushed');
    dependencies.signal?.throwIfAborted();
    await checkInputsUnchanged(plan, store);
    // The check above explains the common case; the precondition makes it atomic with the publish.
    const inputIds = plan.inputs.map((input) => input.record.id);
    await store.publishSegments(pushed, inputIds, { dataSource: plan.dataSource, interval: plan.interval, usedSegmentIds: inputIds });
    published = true;
    await dependencies.onStage?.('published');
    const upgraded = await rescueAppends(plan, pushed, dependencies);
    return resultOf(plan, pushed, upgraded, startedMs);
  } catch (error) {
    if (!published) for (const record of pushed) await dependencies.deepStorage.delete(record.deepStorageKey).catch(() => undefined);
    throw error;
  } finally {
    await rm(dependencies.workDir, { recursive: true, force: true });
  }
}

async function mergeInputs(spec: CompactionSpec, plan: CompactionPlan, dependencies: CompactionDependencies): Promise<MergedSegment[]> {
  const readable = plan.inputs.filter((input) => input.visible.length > 0);
  // Newest first: the default dimension order follows the most recent schema.
  readable.sort((left, right) => compareNewestFirst(left, right));
  const files: SegmentFile[] = [];
  try {
    for (const [index, input] of readable.entries()) {
      dependencies.signal?.throwIfAborted();
      const path = join(dependencies.workDir, `input-${index}.segment`);
      await dependencies.deepStorage.pull(input.record.deepStorageKey, path);
      files.push(await openSegment(path));
    }
  } catch (error) {
    for (const file of files) file.close();
    throw error;
  }
  await dependencies.onStage?.('pulled');
  const schema = compactionSchemaOf(spec, files);
  const cursors = files.map(
    (file, index) => new SegmentRowCursor(file, { dimensions: schema.dimensions, metrics: schema.metrics, queryGranularity: spec.queryGranularity, visible: readable[index]!.visible }),
  );
  const rowsTotal = cursors.reduce((total, cursor) => total + cursor.rowCount, 0);
  const outputDir = join(dependencies.workDir, 'output');
  await mkdir(outputDir, { recursive: true });
  return mergeIntoSegments(cursors, {
    dataSource: spec.dataSource,
    schema,
    version: plan.version,
    chunkOf: plan.chunkOf,
    maxRowsPerSegment: spec.maxRowsPerSegment,
    outputDir,
    onRows: (rowsDone) => dependencies.onProgress?.({ rowsDone: Math.min(rowsDone, rowsTotal), rowsTotal }),
    ...(dependencies.signal === undefined ? {} : { signal: dependencies.signal }),
  });
}

function compareNewestFirst(left: CompactionInput, right: CompactionInput): number {
  const byEnd = right.record.interval.endMs - left.record.interval.endMs;
  if (byEnd !== 0) return byEnd;
  return left.record.version < right.record.version ? 1 : left.record.version > right.record.version ? -1 : right.record.partition - left.record.partition;
}

async function pushOne(segment: MergedSegment, deepStorage: DeepStorage): Promise<SegmentRecord> {
  const key = deepStorageKeyOf(segment.info);
  await deepStorage.push(segment.path, key);
  return publishedSegmentRecord(segment.info, key, segment.sizeBytes);
}

/** Re-read right before publishing, for a clear message; the publish's precondition is the guarantee. */
async function checkInputsUnchanged(plan: CompactionPlan, store: MetadataStore): Promise<void> {
  const current = await store.usedSegments(plan.dataSource, plan.interval);
  const inputIds = new Set(plan.inputs.map((input) => input.record.id));
  const currentIds = new Set(current.map((record) => record.id));
  const appeared = current.filter((record) => !inputIds.has(record.id)).map((record) => record.id);
  const vanished = [...inputIds].filter((id) => !currentIds.has(id));
  if (appeared.length === 0 && vanished.length === 0) return;
  const parts = [
    appeared.length > 0 ? `${appeared.length} segment(s) were published (e.g. ${appeared[0]})` : '',
    vanished.length > 0 ? `${vanished.length} input segment(s) were retired (e.g. ${vanished[0]})` : '',
  ].filter((part) => part !== '');
  throw new SedimentError(
    'conflict',
    `compaction of ${plan.dataSource} ${formatInterval(plan.interval)} aborted: while it ran, ${parts.join(' and ')}; ` +
      'nothing was published and the existing segments keep serving; rerun the compaction to include them',
  );
}

/** Segments published into the interval after the check but before our publish are hidden by it now. */
async function rescueAppends(plan: CompactionPlan, outputs: readonly SegmentRecord[], dependencies: CompactionDependencies): Promise<SegmentRecord[]> {
  const known = new Set([...plan.inputs.map((input) => input.record.id), ...outputs.map((record) => record.id)]);
  const current = await dependencies.store.usedSegments(plan.dataSource, plan.interval);
  const appended = current.filter((record) => !known.has(record.id) && record.version < plan.version);
  if (appended.length === 0) return [];
  return upgradeOvershadowedSegments(appended, { store: dependencies.store, deepStorage: dependencies.deepStorage, workDir: join(dependencies.workDir, 'upgrades') });
}

function resultOf(plan: CompactionPlan, outputs: readonly SegmentRecord[], upgraded: readonly SegmentRecord[], startedMs: number): CompactionResult {
  const sum = (records: readonly SegmentRecord[], value: (record: SegmentRecord) => number): number => records.reduce((total, record) => total + value(record), 0);
  const inputs = plan.inputs.map((input) => input.record);
  return {
    dataSource: plan.dataSource,
    interval: formatInterval(plan.interval),
    version: plan.version,
    inputSegments: inputs.length,
    inputBytes: sum(inputs, (record) => record.sizeBytes),
    inputRows: sum(inputs, (record) => record.info.rowCount),
    outputSegments: outputs.length,
    outputBytes: sum(outputs, (record) => record.sizeBytes),
    outputRows: sum(outputs, (record) => record.info.rowCount),
    upgradedAppends: upgraded.length,
    durationMs: Date.now() - startedMs,
    published: [...outputs, ...upgraded],
  };
}

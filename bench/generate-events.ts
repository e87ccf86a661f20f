// The "events" dataset: rows spread over one UTC day in time order, six independent uniform string
// dimensions (cardinalities 2 … 100,000) and three metrics (m1 long 0..999, m2 double, m3 int).
import type { Dataset, DatasetColumn } from './dataset.js';
import { cachedFile } from './dataset-cache.js';
import { NdjsonFileWriter } from './ndjson-file-writer.js';
import { SeededRandom } from './seeded-random.js';

/** Bump when the generated content changes, so stale cache files are not reused. */
const generatorVersion = 1;
const dayMs = 86_400_000;

export const eventsDefaultRows = 10_000_000;
/** The day the events fall on. */
export const eventsStartMs = Date.UTC(2024, 0, 1);
/** Dimension name → cardinality; the name is `d` + cardinality. */
export const eventsCardinalities = [2, 10, 100, 1_000, 10_000, 100_000] as const;

export interface EventsParameters {
  readonly rows: number;
  readonly seed: number;
}

export const eventsColumns: readonly DatasetColumn[] = [
  { name: 'timestamp', type: 'timestamp' },
  ...eventsCardinalities.map((cardinality): DatasetColumn => ({ name: `d${cardinality}`, type: 'string' })),
  { name: 'm1', type: 'long' },
  { name: 'm2', type: 'double' },
  { name: 'm3', type: 'int' },
];

/** The value a dimension takes for id `index`: `v0` … `v{cardinality-1}`. */
export function eventsDimensionValue(index: number): string {
  return `v${index}`;
}

/** Writes the events file; returns its row count and size. */
export async function writeEventsFile(path: string, parameters: EventsParameters): Promise<{ rows: number; bytes: number }> {
  const random = new SeededRandom(parameters.seed);
  const writer = await NdjsonFileWriter.create(path);
  try {
    const stepMs = dayMs / parameters.rows;
    for (let row = 0; row < parameters.rows; row++) {
      // Non-decreasing timestamps: real event files arrive roughly in time order.
      const timestampMs = eventsStartMs + Math.floor((row + random.nextFloat()) * stepMs);
      if (writer.append(eventLine(random, timestampMs))) await writer.flush();
    }
    return { rows: parameters.rows, bytes: await writer.finish() };
  } catch (error) {
    await writer.abandon();
    throw error;
  }
}

function eventLine(random: SeededRandom, timestampMs: number): string {
  let line = `{"timestamp":${timestampMs}`;
  for (const cardinality of eventsCardinalities) line += `,"d${cardinality}":"v${random.nextInt(cardinality)}"`;
  const m1 = random.nextInt(1000);
  const m2 = Math.round(random.nextFloat() * 10_000_000) / 10_000;
  const m3 = random.nextIntBetween(-100_000, 100_000);
  return `${line},"m1":${m1},"m2":${m2},"m3":${m3}}`;
}

/** The events dataset at the given size, generated into `cacheDir` unless already there. */
export async function eventsDataset(cacheDir: string, parameters: EventsParameters, log: (line: string) => void): Promise<Dataset> {
  const fileName = `events-v${generatorVersion}-seed${parameters.seed}-rows${parameters.rows}.json`;
  const file = await cachedFile(cacheDir, fileName, (path) => writeEventsFile(path, parameters), log);
  return {
    name: 'events',
    file: file.path,
    fileBytes: file.bytes,
    rows: file.rows,
    startMs: eventsStartMs,
    endMs: eventsStartMs + dayMs,
    columns: eventsColumns,
    segmentGranularity: 'day',
  };
}

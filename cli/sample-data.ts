// The quickstart's sample datasource: deterministic web-traffic events over the seven UTC days
// ending at the anchor day, written as gzipped newline-delimited JSON and ingested through the same
// batch path users use. Same seed and anchor → byte-identical file.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

export const sampleDataSource = 'sample_events';
const dayMs = 86_400_000;
const countries = ['US', 'IN', 'BR', 'DE', 'GB', 'FR', 'JP', 'CA', 'MX', 'ID', 'IT', 'ES', 'KR', 'AU', 'NL', 'PL', 'TR', 'SE', 'AR', 'ZA'];
const devices = ['desktop', 'mobile', 'tablet'];
const browsers = ['Chrome', 'Safari', 'Firefox', 'Edge', 'Opera', 'Samsung Internet', 'UC Browser', 'Brave'];
const tags = ['sale', 'new', 'featured', 'clearance', 'gift', 'eco', 'premium', 'bundle', 'limited', 'seasonal'];
const statusCodes = ['200', '200', '200', '200', '200', '200', '304', '404', '500', '301'];

/** mulberry32: a small, fast, deterministic PRNG. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf-like skew: small ids are far more frequent than large ones. */
function skewed(random: () => number, size: number): number {
  return Math.min(size - 1, Math.floor(size * Math.pow(random(), 3)));
}

export interface SampleOptions {
  readonly rows: number;
  /** Last day (UTC midnight, ms) of the seven covered days. */
  readonly anchorDayMs: number;
  readonly seed?: number;
}

export function* sampleRows(options: SampleOptions): Generator<Record<string, unknown>> {
  const random = randomGenerator(options.seed ?? 20150912);
  const startMs = options.anchorDayMs - 6 * dayMs;
  const spanMs = 7 * dayMs;
  for (let index = 0; index < options.rows; index++) {
    // Spread evenly over the span with sub-second jitter that never crosses its end.
    const timeMs = startMs + Math.floor((index / options.rows) * (spanMs - 1000) + random() * 1000);
    const tagCount = Math.floor(random() * 4);
    const rowTags = Array.from({ length: tagCount }, () => tags[Math.floor(random() * tags.length)]!);
    const price = random() < 0.1 ? null : Math.round(random() * 20000) / 100;
    yield {
      timestamp: new Date(timeMs).toISOString(),
      country: countries[skewed(random, countries.length)],
      device: devices[Math.floor(random() * random() * devices.length)],
      browser: browsers[skewed(random, browsers.length)],
      page: `/products/${skewed(random, 10_000)}`,
      user_id: `user-${Math.floor(random() * 100_000)}`,
      status_code: statusCodes[Math.floor(random() * statusCodes.length)],
      tags: rowTags,
      latency_ms: Math.floor(5 + Math.pow(random(), 4) * 2000),
      bytes: Math.floor(500 + random() * 100_000),
      price,
    };
  }
}

/** Writes the sample as gzipped NDJSON; returns the row count. */
export async function writeSampleFile(path: string, options: SampleOptions): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const lines = (function* () {
    let batch = '';
    for (const row of sampleRows(options)) {
      batch += JSON.stringify(row) + '\n';
      if (batch.length > 1 << 20) {
        yield batch;
        batch = '';
      }
    }
    if (batch.length > 0) yield batch;
  })();
  await pipeline(Readable.from(lines), createGzip({ level: 1 }), createWriteStream(path));
  return options.rows;
}

/** The batch ingestion spec for the sample file. */
export function sampleIngestionSpec(baseDir: string, fileName: string): unknown {
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource: sampleDataSource,
        timestampSpec: { column: 'timestamp', format: 'iso' },
        dimensionsSpec: {
          dimensions: ['country', 'device', 'browser', 'page', 'user_id', 'status_code', 'tags'],
        },
        metricsSpec: [
          { type: 'longSum', name: 'latency_ms', fieldName: 'latency_ms' },
          { type: 'longSum', name: 'bytes', fieldName: 'bytes' },
          { type: 'doubleSum', name: 'price', fieldName: 'price' },
        ],
        granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
      },
      ioConfig: {
        type: 'index_parallel',
        inputSource: { type: 'local', baseDir, filter: fileName },
        inputFormat: { type: 'json' },
        appendToExisting: false,
      },
      tuningConfig: { type: 'index_parallel', maxRowsPerSegment: 5_000_000, maxRowsInMemory: 1_000_000 },
    },
  };
}

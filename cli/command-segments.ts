// `sediment segments inspect|verify|list`.
import { loadConfig, type SedimentConfigLayer } from '../cluster/config.js';
import { createLogger } from '../cluster/logger.js';
import { openMetadataStore } from './roles/open-seams.js';
import { inspectSegment } from '../segment-format/segment-inspector.js';
import { verifySegment } from '../segment-format/segment-verifier.js';

export async function segmentsInspectCommand(file: string): Promise<void> {
  process.stdout.write(`${JSON.stringify(await inspectSegment(file), null, 2)}\n`);
}

export async function segmentsVerifyCommand(file: string): Promise<void> {
  const result = await verifySegment(file);
  if (result.ok) {
    process.stdout.write(`${file}: OK\n`);
    return;
  }
  process.stdout.write(`${file}: CORRUPT\n${result.problems.map((problem) => `  ${problem}`).join('\n')}\n`);
  process.exitCode = 1;
}

export async function segmentsListCommand(options: { datasource?: string; config?: string; dataDir?: string }): Promise<void> {
  const overrides = options.dataDir === undefined ? {} : { dataDir: options.dataDir };
  const config = loadConfig({ ...(options.config === undefined ? {} : { file: options.config }), env: process.env, overrides: overrides as SedimentConfigLayer });
  const store = await openMetadataStore(config, createLogger('sediment-segments'));
  try {
    for (const segment of await store.usedSegments(options.datasource)) {
      process.stdout.write(`${segment.id}\t${segment.info.rowCount} rows\t${segment.sizeBytes} bytes\n`);
    }
  } finally {
    await store.close();
  }
}

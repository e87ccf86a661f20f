import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compactCommand } from '../../cli/command-compact.js';
import { killCommand } from '../../cli/command-kill.js';
import { loadConfig } from '../../cluster/config.js';
import { LocalDeepStorage } from '../../cluster/local-deep-storage.js';
import { SqliteMetadataStore } from '../../cluster/sqlite-metadata-store.js';
import { TaskRunner } from '../../realtime/task-runner.js';
import { appendTask, random, randomRows, runTaskOk } from '../realtime/compaction/compaction-fixtures.js';

const dataSource = 'events';

async function captured(run: () => Promise<void>): Promise<string> {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = original;
  }
  return chunks.join('');
}

async function usedSegments(dataDir: string) {
  const store = SqliteMetadataStore.open(loadConfig({ env: {}, overrides: { dataDir } }).metadata.path);
  try {
    return { used: await store.usedSegments(dataSource), all: await store.allSegments(dataSource) };
  } finally {
    await store.close();
  }
}

test('sediment compact plans, compacts offline with a summary, reports status; sediment kill removes the retired inputs', async (context) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sediment-compact-cli-'));
  context.after(() => rm(dataDir, { recursive: true, force: true }));
  const config = loadConfig({ env: {}, overrides: { dataDir } });
  const store = SqliteMetadataStore.open(config.metadata.path);
  const runner = new TaskRunner({ store, deepStorage: new LocalDeepStorage(config.deepStorage.dir), workDir: join(dataDir, 'task-work') });
  const next = random(77);
  let rows = 0;
  for (let batch = 0; batch < 4; batch++) {
    const batchRows = randomRows(next, 100, 3);
    rows += batchRows.length;
    await runTaskOk(runner, appendTask(dataSource, batchRows));
  }
  await store.close();
  const before = await usedSegments(dataDir);

  const plan = await captured(() => compactCommand({ datasource: dataSource, dataDir, segmentGranularity: 'day', dryRun: true }));
  assert.match(plan, /Plan for events: 1 time chunk\(s\), 1 to compact \(12 segments\)/);
  assert.match(plan, /COMPACT 2024-01-01T00:00:00.000Z\/2024-01-02T00:00:00.000Z {2}12 segment\(s\), \d+ rows, .* — segment granularity differs/);
  assert.equal((await usedSegments(dataDir)).used.length, before.used.length, 'a dry run changes nothing');

  await captured(() => compactCommand({ datasource: dataSource, dataDir, segmentGranularity: 'day', interval: '2024-01-01/2024-01-02' }));
  const after = await usedSegments(dataDir);
  assert.equal(after.used.length, 1);
  assert.equal(after.used[0]!.info.rowCount <= rows, true);

  const again = await captured(() => compactCommand({ datasource: dataSource, dataDir, segmentGranularity: 'day', dryRun: true }));
  assert.match(again, /0 to compact/);
  assert.match(again, /single segment at target size/);
  const status = await captured(() => compactCommand({ status: dataSource, dataDir }));
  assert.match(status, /events: auto-compaction not configured/);

  const killed = await captured(() => killCommand({ datasource: dataSource, dataDir, interval: '2024-01-01/2024-01-02' }));
  assert.match(killed, new RegExp(`Killed ${before.used.length} unused segment`));
  const final = await usedSegments(dataDir);
  assert.deepEqual(final.all.map((record) => record.id), after.used.map((record) => record.id));
  await assert.rejects(compactCommand({ dataDir }), /--datasource: is required/);
});

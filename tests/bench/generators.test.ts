import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { devopsMetrics, devopsStartMs, devopsTags, writeDevopsFile } from '../../bench/generate-devops.js';
import { eventsCardinalities, eventsStartMs, writeEventsFile } from '../../bench/generate-events.js';

type Row = Record<string, string | number>;

async function readRows(path: string): Promise<Row[]> {
  const text = await readFile(path, 'utf8');
  assert.ok(text.endsWith('\n'));
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Row);
}

describe('dataset generators', () => {
  let directory = '';
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'bench-generators-'));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('events: deterministic per seed, time-ordered within the day, values in range', async () => {
    const first = join(directory, 'events-a.json');
    const second = join(directory, 'events-b.json');
    const other = join(directory, 'events-c.json');
    const written = await writeEventsFile(first, { rows: 5_000, seed: 3 });
    await writeEventsFile(second, { rows: 5_000, seed: 3 });
    await writeEventsFile(other, { rows: 5_000, seed: 4 });
    assert.deepEqual(await readFile(first), await readFile(second));
    assert.notDeepEqual(await readFile(first), await readFile(other));
    const rows = await readRows(first);
    assert.equal(written.rows, 5_000);
    assert.equal(rows.length, 5_000);
    assert.equal(written.bytes, (await readFile(first)).length);
    let previous = eventsStartMs;
    for (const row of rows) {
      const timestamp = row['timestamp'] as number;
      assert.ok(timestamp >= previous && timestamp < eventsStartMs + 86_400_000);
      previous = timestamp;
      for (const cardinality of eventsCardinalities) {
        const index = Number(String(row[`d${cardinality}`]).slice(1));
        assert.ok(Number.isInteger(index) && index >= 0 && index < cardinality);
      }
      assert.ok(Number.isInteger(row['m1']) && (row['m1'] as number) >= 0 && (row['m1'] as number) <= 999);
      assert.equal(typeof row['m2'], 'number');
      assert.ok(Number.isInteger(row['m3']));
    }
    // Both values of the 2-value dimension and most of the 10-value one appear in 5,000 uniform rows.
    assert.equal(new Set(rows.map((row) => row['d2'])).size, 2);
    assert.equal(new Set(rows.map((row) => row['d10'])).size, 10);
  });

  it('devops: one row per host every 10 s, fixed tags, walks move by at most 3 within 0..100', async () => {
    const path = join(directory, 'devops.json');
    const hosts = 7;
    const written = await writeDevopsFile(path, { hosts, hours: 1, seed: 11 });
    const rows = await readRows(path);
    assert.equal(written.rows, hosts * 360);
    assert.equal(rows.length, hosts * 360);
    const lastByHost = new Map<string, Row>();
    rows.forEach((row, index) => {
      assert.equal(row['timestamp'], devopsStartMs + Math.floor(index / hosts) * 10_000);
      const hostname = row['hostname'] as string;
      assert.equal(hostname, `host_${index % hosts}`);
      const previous = lastByHost.get(hostname);
      for (const metric of devopsMetrics) {
        const value = row[metric] as number;
        assert.ok(Number.isInteger(value) && value >= 0 && value <= 100);
        if (previous !== undefined) assert.ok(Math.abs(value - (previous[metric] as number)) <= 3);
      }
      if (previous !== undefined) for (const tag of devopsTags) assert.equal(row[tag], previous[tag]);
      lastByHost.set(hostname, row);
    });
    assert.equal(Object.keys(rows[0] ?? {}).length, 1 + devopsTags.length + devopsMetrics.length);
  });
});

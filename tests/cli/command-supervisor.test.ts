// The supervisor CLI against a running all-in-one process: submit a spec file, list, status, suspend,
// resume, reset and terminate, each through Druid's HTTP API.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Command } from 'commander';
import { loadConfig } from '../../cluster/config.js';
import { startAllInOne } from '../../cli/all-in-one.js';
import { registerSupervisorCommands } from '../../cli/command-supervisor.js';
import { InProcessStream } from '../../realtime/stream/in-process-stream.js';

async function run(args: string[]): Promise<unknown> {
  const program = new Command().exitOverride();
  registerSupervisorCommands(program);
  let output = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => {
    output += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    await program.parseAsync(['node', 'sediment', ...args]);
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(output);
}

test('sediment supervisor submit|list|status|suspend|resume|reset|terminate', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sediment-cli-supervisor-'));
  const stream = new InProcessStream('cli_events', 1);
  for (let index = 0; index < 25; index++) stream.append(0, JSON.stringify({ ts: new Date().toISOString(), page: `p${index % 3}` }));
  const server = await startAllInOne(loadConfig({ env: {}, overrides: { dataDir, port: 0, host: '127.0.0.1' } }), { sample: false, inProcessStreams: new Map([['cli_events', stream]]) });
  try {
    const specFile = join(dataDir, 'spec.json');
    await writeFile(specFile, JSON.stringify({
      type: 'kafka',
      spec: {
        dataSchema: { dataSource: 'cli_events', timestampSpec: { column: 'ts' }, dimensionsSpec: { dimensions: ['page'] }, granularitySpec: { segmentGranularity: 'hour' } },
        ioConfig: { topic: 'cli_events', inputFormat: { type: 'json' }, consumerProperties: { 'bootstrap.servers': 'in-process' }, useEarliestOffset: true },
      },
    }));
    const url = ['--url', server.url];
    assert.deepEqual(await run(['supervisor', 'submit', specFile, ...url]), { id: 'cli_events' });
    assert.deepEqual(await run(['supervisor', 'list', ...url]), ['cli_events']);
    for (let attempt = 0; ; attempt++) {
      const status = (await run(['supervisor', 'status', 'cli_events', ...url])) as { payload: { rowStats: { processed: number } } };
      if (status.payload.rowStats.processed === 25) break;
      assert.ok(attempt < 200, 'the 25 rows are read');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(((await run(['supervisor', 'suspend', 'cli_events', ...url])) as { type: string }).type, 'kafka');
    assert.equal(((await run(['supervisor', 'status', 'cli_events', ...url])) as { payload: { state: string } }).payload.state, 'SUSPENDED');
    assert.equal(((await run(['supervisor', 'resume', 'cli_events', ...url])) as { type: string }).type, 'kafka');
    assert.deepEqual(await run(['supervisor', 'reset', 'cli_events', ...url]), { id: 'cli_events' });
    assert.deepEqual(await run(['supervisor', 'terminate', 'cli_events', ...url]), { id: 'cli_events' });
    assert.deepEqual(await run(['supervisor', 'list', ...url]), []);
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});

#!/usr/bin/env node
// The `sediment` command: start, ingest, query, segments.
import { Command } from 'commander';
import { SedimentError } from '../cluster/errors.js';
import { sedimentVersion } from './version.js';
import { startCommand } from './command-start.js';
import { ingestCommand } from './command-ingest.js';
import { queryCommand } from './command-query.js';
import { segmentsInspectCommand, segmentsListCommand, segmentsVerifyCommand } from './command-segments.js';
import { registerCompactionCommands } from './command-compact.js';
import { registerSupervisorCommands } from './command-supervisor.js';

const program = new Command();
program.name('sediment').description('A time-series OLAP segment store speaking Druid\'s native query language.').version(sedimentVersion);

program
  .command('start')
  .description('start every role in one process on embedded defaults (port 8888, data under ./var), or only --role')
  .option('-c, --config <file>', 'JSON config file')
  .option('-r, --role <roles>', 'comma-separated cluster roles: coordinator, historical, broker (default: all-in-one)')
  .option('-p, --port <port>', 'HTTP port', (value) => Number(value))
  .option('-d, --data-dir <dir>', 'data directory')
  .option('--no-sample', 'do not generate the sample datasource')
  .action(startCommand);

program
  .command('ingest')
  .description('run a Druid index / index_parallel task spec (offline against the data directory, or --url a running server)')
  .argument('<spec>', 'path of the task spec JSON')
  .option('-c, --config <file>', 'JSON config file')
  .option('-d, --data-dir <dir>', 'data directory')
  .option('-u, --url <url>', 'submit to a running Sediment instead, e.g. http://localhost:8888')
  .action(ingestCommand);

program
  .command('query')
  .description('run a native JSON query against a running Sediment')
  .argument('<query>', 'a JSON query, or the path of a file holding one')
  .option('-u, --url <url>', 'Sediment URL', 'http://localhost:8888')
  .action(queryCommand);

const segments = program.command('segments').description('list, inspect and verify segment files');
segments.command('inspect').argument('<file>', 'segment file').description('schema, rows, interval, per-column sizes and cardinalities').action(segmentsInspectCommand);
segments.command('verify').argument('<file>', 'segment file').description('check every checksum; exit code 1 on corruption').action(segmentsVerifyCommand);
segments
  .command('list')
  .description('published segments in the metadata store')
  .option('--datasource <name>', 'only this datasource')
  .option('-c, --config <file>', 'JSON config file')
  .option('-d, --data-dir <dir>', 'data directory')
  .action(segmentsListCommand);

registerCompactionCommands(program);
registerSupervisorCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof SedimentError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(error.code === 'internal' ? 70 : 2);
  }
  throw error;
}

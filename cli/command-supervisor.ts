// `sediment supervisor submit|status|suspend|resume|reset|terminate|list`: Druid's supervisor API of
// a running Sediment, from the command line.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { invalidInput } from '../cluster/errors.js';
import { httpJson } from './http-json.js';

const defaultUrl = 'http://localhost:8888';

function supervisorUrl(base: string, id?: string, action?: string): string {
  const root = `${base.replace(/\/$/, '')}/druid/indexer/v1/supervisor`;
  return id === undefined ? root : `${root}/${encodeURIComponent(id)}${action === undefined ? '' : `/${action}`}`;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function readSpec(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw invalidInput('spec', `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidInput('spec', `${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Registers the `supervisor` command group on the program. */
export function registerSupervisorCommands(program: Command): void {
  const supervisor = program.command('supervisor').description('manage streaming (Kafka) supervisors of a running Sediment');
  const withUrl = (command: Command): Command => command.option('-u, --url <url>', 'Sediment URL', defaultUrl);
  withUrl(supervisor.command('submit').argument('<spec>', 'path of a Kafka supervisor spec JSON').description('create or update a supervisor'))
    .action(async (file: string, options: { url: string }) => print(await httpJson('POST', supervisorUrl(options.url), await readSpec(file))));
  withUrl(supervisor.command('list').description('ids of the supervisors'))
    .action(async (options: { url: string }) => print(await httpJson('GET', supervisorUrl(options.url))));
  withUrl(supervisor.command('status').argument('<id>', 'supervisor id').description('state, offsets, lag and row counts'))
    .action(async (id: string, options: { url: string }) => print(await httpJson('GET', supervisorUrl(options.url, id, 'status'))));
  for (const action of ['suspend', 'resume', 'reset', 'terminate'] as const) {
    const description = {
      suspend: 'stop reading (what was read is published)',
      resume: 'start reading again from the committed offsets',
      reset: "forget the committed offsets and restart from the stream's earliest/latest (audited)",
      terminate: 'stop the supervisor for good (what was read is published)',
    }[action];
    withUrl(supervisor.command(action).argument('<id>', 'supervisor id').description(description))
      .action(async (id: string, options: { url: string }) => print(await httpJson('POST', supervisorUrl(options.url, id, action), {})));
  }
}

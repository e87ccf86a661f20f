// A child process running the all-in-one server on a given data directory, for crash tests: it
// prints "READY <url>" once serving and runs until killed.
import { loadConfig } from '../../../cluster/config.js';
import { startAllInOne } from '../../../cli/all-in-one.js';

const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: realtime-child-process <dataDir>');
const config = loadConfig({ env: { SEDIMENT_LOG_LEVEL: 'silent' }, overrides: { dataDir, port: 0, host: '127.0.0.1' } });
const server = await startAllInOne(config, { sample: false });
process.stdout.write(`READY ${server.url}\n`);

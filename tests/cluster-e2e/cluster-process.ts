// Runs `sediment start` with a role config as a child process, for the cluster end-to-end test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Under tsx the sources run directly; from dist/ the compiled entry point. */
const entry = import.meta.url.endsWith('.ts') ? ['--import', 'tsx', join(here, '../../cli/main.ts')] : [join(here, '../../cli/main.js')];

export interface ClusterProcess {
  readonly name: string;
  readonly url: string;
  readonly output: string[];
  /** Resolves when the process answers /status/health. */
  ready(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function startProcess(name: string, dir: string, config: Record<string, unknown> & { port: number }): ClusterProcess {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ host: '127.0.0.1', server: { advertisedHost: '127.0.0.1' }, ...config }));
  const child: ChildProcess = spawn(process.execPath, [...entry, 'start', '--config', file], {
    env: { ...process.env, SEDIMENT_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const url = `http://127.0.0.1:${config.port}`;
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    name,
    url,
    output,
    async ready() {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${output.join('')}`);
        const healthy = await fetch(`${url}/status/health`).then((response) => response.ok, () => false);
        if (healthy) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`${name} did not start: ${output.join('')}`);
    },
    async kill(signal) {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    },
  };
}

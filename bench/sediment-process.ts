// Sediment as a child process (`sediment start --no-sample`), so its CPU and peak memory are its own
// and a restart is a real cold start. Output goes to a log file in the work directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { childExecArgv, entryPoint, projectRoot } from './project-paths.js';

export interface SedimentStartOptions {
  /** The data directory (metadata, deep storage, segment cache). Reusing one is a restart. */
  readonly dataDir: string;
  /** Where stdout and stderr are appended. */
  readonly logFile: string;
  /** Directory for a V8 CPU profile written at exit; null for none. */
  readonly cpuProfileDir: string | null;
  /** How long to wait for /status/health. */
  readonly startTimeoutMs: number;
}

export class SedimentProcess {
  private exitPromise: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    /** Base URL, e.g. http://127.0.0.1:40123. */
    readonly url: string,
  ) {
    this.exitPromise = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(options: SedimentStartOptions): Promise<SedimentProcess> {
    const port = await freePort();
    const profileFlags = options.cpuProfileDir === null ? [] : ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir];
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(
      process.execPath,
      [...childExecArgv, ...profileFlags, entryPoint('cli/main'), 'start', '--data-dir', options.dataDir, '--port', String(port), '--no-sample'],
      { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const server = new SedimentProcess(child, `http://127.0.0.1:${port}`);
    await server.waitForHealth(options.startTimeoutMs, options.logFile);
    return server;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the Sediment process has no pid');
    return this.child.pid;
  }

  /** SIGTERM (a graceful shutdown), then SIGKILL after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  private async waitForHealth(timeoutMs: number, logFile: string): Promise<void> {
    const deadlineMs = Date.now() + timeoutMs;
    while (Date.now() < deadlineMs) {
      if (this.child.exitCode !== null) throw new Error(`Sediment exited with code ${this.child.exitCode} during start; see ${logFile}`);
      try {
        const response = await fetch(`${this.url}/status/health`);
        if (response.ok) return;
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    await this.stop(1_000);
    throw new Error(`Sediment did not become healthy within ${timeoutMs} ms; see ${logFile}`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A port nothing listens on right now (the OS picks it). */
async function freePort(): Promise<number> {
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

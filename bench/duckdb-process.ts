// The harness's handle on its DuckDB child process (bench/duckdb-worker.ts).
import { fork, type ChildProcess } from 'node:child_process';
import type { DuckDbRequest, DuckDbResponse, ResultRow } from './duckdb-protocol.js';
import { childExecArgv, entryPoint, projectRoot } from './project-paths.js';

type RequestBody = DuckDbRequest extends infer Request ? (Request extends DuckDbRequest ? Omit<Request, 'id'> : never) : never;
type Success = Extract<DuckDbResponse, { ok: true }>;

export interface DuckDbQueryOutcome {
  /** Each run's time in ms, measured inside the DuckDB process. */
  readonly timingsMs: number[];
  /** The last run's rows (empty when not requested). */
  readonly rows: ResultRow[];
}

export class DuckDbProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (response: Success) => void; reject: (error: Error) => void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (response: DuckDbResponse) => this.settle(response));
    child.on('exit', (code, signal) => {
      this.exited = true;
      for (const { reject } of this.waiting.values()) reject(new Error(`the DuckDB process exited (code ${code}, signal ${signal})`));
      this.waiting.clear();
    });
  }

  /** Starts a DuckDB process and opens (creating if needed) the database file with `threads` threads. */
  static async open(databasePath: string, threads: number): Promise<DuckDbProcess> {
    const child = fork(entryPoint('bench/duckdb-worker'), [], {
      cwd: projectRoot,
      execArgv: [...childExecArgv],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker = new DuckDbProcess(child);
    try {
      await worker.request({ kind: 'open', databasePath, threads });
    } catch (error) {
      child.kill();
      throw error;
    }
    return worker;
  }

  /** The child's pid, for memory readings. */
  get pid(): number {
    if (this.child.pid === undefined) throw new Error('the DuckDB process has no pid');
    return this.child.pid;
  }

  /** Runs statements; returns the elapsed ms. */
  async execute(sql: string): Promise<number> {
    return (await this.request({ kind: 'execute', sql })).elapsedMs;
  }

  /** Runs `sql` `runs` times; rows of the last run are returned unless `returnRows` is false. */
  async query(sql: string, runs: number, returnRows = true): Promise<DuckDbQueryOutcome> {
    const response = await this.request({ kind: 'query', sql, runs, returnRows });
    return { timingsMs: response.timingsMs ?? [], rows: response.rows ?? [] };
  }

  async version(): Promise<string> {
    return (await this.request({ kind: 'version' })).version ?? 'unknown';
  }

  /** Closes the database (flushing it) and ends the process. */
  async close(): Promise<void> {
    if (this.exited) return;
    await this.request({ kind: 'close' }).catch(() => undefined);
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await exited;
  }

  private request(body: RequestBody): Promise<Success> {
    if (this.exited) return Promise.reject(new Error('the DuckDB process has exited'));
    const id = this.nextId++;
    return new Promise<Success>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ ...body, id });
    });
  }

  private settle(response: DuckDbResponse): void {
    const waiter = this.waiting.get(response.id);
    if (waiter === undefined) return;
    this.waiting.delete(response.id);
    if (response.ok) waiter.resolve(response);
    else waiter.reject(new Error(`DuckDB: ${response.message}`));
  }
}

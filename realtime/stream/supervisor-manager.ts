// The supervisor registry behind Druid's supervisor API: submit, list, status, suspend, resume,
// reset, terminate. Specs and their states live in the metadata store, so a restarted process
// resumes every running supervisor from its committed offsets.
import { SedimentError } from '../../cluster/errors.js';
import type { IngestionMetadataStore, SupervisorRecord, SupervisorState } from '../../cluster/ingestion-metadata-store.js';
import { Supervisor, type SupervisorDependencies } from './supervisor.js';
import { parseSupervisorSpec, type SupervisorSpec } from './supervisor-spec.js';
import { supervisorStatusJson } from './supervisor-status.js';

/** Who asked for a change, for the audit log (Druid's X-Druid-Author / X-Druid-Comment headers). */
export interface ChangeAuthor {
  readonly author: string;
  readonly comment: string;
}

interface Entry {
  record: SupervisorRecord;
  supervisor: Supervisor;
  /** The last stop of this supervisor's tasks; a restart waits for it so publishes never overlap. */
  stopping: Promise<void>;
}

export class SupervisorManager {
  private readonly entries = new Map<string, Entry>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dependencies: SupervisorDependencies & { readonly store: IngestionMetadataStore }) {}

  /** Changes run one at a time, so concurrent API calls cannot interleave a stop and a start. */
  private serialize<Result>(work: () => Promise<Result>): Promise<Result> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Starts every supervisor the metadata store records as running (process start). A bad stored spec is logged and skipped. */
  restore(): Promise<void> {
    return this.serialize(async () => {
      for (const record of await this.dependencies.store.supervisors()) {
        if (record.state === 'TERMINATED') continue;
        try {
          const entry = this.entryFor(record, parseSupervisorSpec(record.spec));
          if (record.state === 'RUNNING') entry.supervisor.start();
        } catch (error) {
          this.dependencies.log?.error({ supervisor: record.id, err: error }, 'cannot restore supervisor');
        }
      }
    });
  }

  private entryFor(record: SupervisorRecord, spec: SupervisorSpec): Entry {
    const entry = { record, supervisor: new Supervisor(spec, this.dependencies), stopping: Promise.resolve() };
    this.entries.set(record.id, entry);
    return entry;
  }

  /** Creates or replaces a supervisor (a replaced one publishes what it read first). Returns its id. */
  submit(json: unknown, author: ChangeAuthor): Promise<string> {
    const spec = parseSupervisorSpec(json);
    const suspended = typeof json === 'object' && json !== null && (json as { suspended?: unknown }).suspended === true;
    return this.serialize(async () => {
      const previous = this.entries.get(spec.id);
      let stopping = previous?.stopping ?? Promise.resolve();
      if (previous !== undefined) stopping = stopping.then(() => previous.supervisor.stop({ publish: true }));
      const nowMs = Date.now();
      const existing = await this.dependencies.store.supervisor(spec.id);
      const record: SupervisorRecord = { id: spec.id, dataSource: spec.dataSchema.dataSource, type: 'kafka', spec: json, state: suspended ? 'SUSPENDED' : 'RUNNING', createdMs: existing?.createdMs ?? nowMs, updatedMs: nowMs };
      await this.dependencies.store.upsertSupervisor(record);
      await this.dependencies.store.appendAudit({ key: `supervisor:${spec.id}`, type: 'submit', ...author, payload: json, createdMs: nowMs });
      const entry = this.entryFor(record, spec);
      entry.stopping = stopping;
      await stopping;
      if (!suspended) entry.supervisor.start();
      return spec.id;
    });
  }

  private found(id: string): Entry {
    const entry = this.entries.get(id);
    if (entry === undefined || entry.record.state === 'TERMINATED') throw new SedimentError('not_found', `Unknown supervisor '${id}'.`);
    return entry;
  }

  /** Ids of supervisors that are not terminated, sorted. */
  ids(): string[] {
    return [...this.entries.values()].filter((entry) => entry.record.state !== 'TERMINATED').map((entry) => entry.record.id).sort();
  }

  /** The submitted spec JSON. */
  spec(id: string): unknown {
    return this.found(id).record.spec;
  }

  state(id: string): SupervisorState {
    return this.found(id).record.state;
  }

  async status(id: string): Promise<unknown> {
    const entry = this.found(id);
    return supervisorStatusJson({ supervisor: entry.supervisor, state: entry.record.state, latestOffsets: await entry.supervisor.latestOffsets() });
  }

  private async setState(entry: Entry, state: SupervisorState, author: ChangeAuthor): Promise<void> {
    const nowMs = Date.now();
    entry.record = { ...entry.record, state, updatedMs: nowMs };
    await this.dependencies.store.upsertSupervisor(entry.record);
    await this.dependencies.store.appendAudit({ key: `supervisor:${entry.record.id}`, type: state.toLowerCase(), ...author, payload: null, createdMs: nowMs });
  }

  /** Stops reading; what was read is published in the background. */
  suspend(id: string, author: ChangeAuthor): Promise<void> {
    return this.serialize(async () => {
      const entry = this.found(id);
      if (entry.record.state === 'SUSPENDED') return;
      await this.setState(entry, 'SUSPENDED', author);
      const previous = entry.stopping;
      entry.stopping = previous.then(() => entry.supervisor.stop({ publish: true }));
    });
  }

  resume(id: string, author: ChangeAuthor): Promise<void> {
    return this.serialize(async () => {
      const entry = this.found(id);
      if (entry.record.state === 'RUNNING') return;
      await this.setState(entry, 'RUNNING', author);
      await entry.stopping;
      entry.supervisor = new Supervisor(entry.supervisor.spec, this.dependencies);
      entry.supervisor.start();
    });
  }

  /** Druid's reset: stop the tasks without publishing, forget the committed offsets (audited), start again. */
  reset(id: string, author: ChangeAuthor): Promise<void> {
    return this.serialize(async () => {
      const entry = this.found(id);
      await entry.stopping;
      await entry.supervisor.stop({ publish: false });
      await this.dependencies.store.resetOffsets(id, author);
      entry.supervisor = new Supervisor(entry.supervisor.spec, this.dependencies);
      if (entry.record.state === 'RUNNING') entry.supervisor.start();
    });
  }

  /** Stops the supervisor for good; what was read is published first. */
  terminate(id: string, author: ChangeAuthor): Promise<void> {
    return this.serialize(async () => {
      const entry = this.found(id);
      await this.setState(entry, 'TERMINATED', author);
      await entry.stopping;
      entry.stopping = entry.supervisor.stop({ publish: true });
      await entry.stopping;
    });
  }

  /** Process shutdown: stop every task without publishing (a restart re-reads from the committed offsets). */
  close(): Promise<void> {
    return this.serialize(async () => {
      await Promise.all([...this.entries.values()].map(async (entry) => {
        await entry.stopping.catch(() => undefined);
        await entry.supervisor.stop({ publish: false });
      }));
    });
  }
}

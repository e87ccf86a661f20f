// Rules persisted as the cluster config "rules" ({dataSource: rule JSON[]}), with audit entries, in
// any store offering IngestionMetadataStore's config calls. A store without them (today's
// PostgreSQL store) keeps rules in this process's memory: they work but do not survive a restart.
import type { AuditEntry, IngestionMetadataStore } from '../cluster/ingestion-metadata-store.js';
import { defaultRules, defaultRulesKey, parseRules, ruleJson, type Rule, type RulesByDataSource } from './rules.js';

export type RulesConfigSource = Pick<IngestionMetadataStore, 'config' | 'setConfig'> & Partial<Pick<IngestionMetadataStore, 'auditLog'>>;

export interface RulesAudit {
  readonly author: string;
  readonly comment: string;
}

const configName = 'rules';

export class RulesStore {
  private memory: Record<string, unknown[]> = {};

  constructor(private readonly source: RulesConfigSource | null) {}

  /** A store whose object has the config calls is used; otherwise rules live in memory. */
  static over(store: object): RulesStore {
    const candidate = store as Partial<RulesConfigSource>;
    return new RulesStore(typeof candidate.config === 'function' && typeof candidate.setConfig === 'function' ? (store as RulesConfigSource) : null);
  }

  /** Every datasource's rules, `_default` always included. */
  async all(): Promise<RulesByDataSource> {
    const raw = await this.rawRules();
    const rules: Record<string, Rule[]> = { [defaultRulesKey]: [...defaultRules] };
    for (const [dataSource, list] of Object.entries(raw)) rules[dataSource] = parseRules(list, dataSource);
    return rules;
  }

  /** Replace a datasource's rules (an empty list removes them). */
  async set(dataSource: string, rules: readonly Rule[], audit: RulesAudit): Promise<void> {
    const raw = { ...(await this.rawRules()) };
    if (rules.length === 0 && dataSource !== defaultRulesKey) delete raw[dataSource];
    else raw[dataSource] = rules.map(ruleJson);
    if (this.source === null) this.memory = raw;
    else await this.source.setConfig(configName, raw, audit);
  }

  /** Audit entries of rule changes, oldest first; empty without an audit log. */
  async history(): Promise<AuditEntry[]> {
    return this.source?.auditLog === undefined ? [] : this.source.auditLog(`config:${configName}`).catch(() => []);
  }

  private async rawRules(): Promise<Record<string, unknown[]>> {
    if (this.source === null) return this.memory;
    const value = await this.source.config(configName);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown[]>) : {};
  }
}

// Druid's retention rules: per datasource an ordered list, then the cluster-wide `_default` list;
// the first rule that applies to a segment decides whether (and on how many historicals of each
// tier) it is loaded. Matching follows Druid: by-interval rules apply when the intervals overlap;
// by-period rules when the segment overlaps [now - period, now) (or any later time, with
// includeFuture, the default); dropBeforeByPeriod when the segment ends at or before now - period.
import { DateTime } from 'luxon';
import { invalidInput } from '../cluster/errors.js';
import { formatInterval, parseInterval, parsePeriod } from '../query/intervals.js';
import type { TimeInterval } from '../segment-format/segment-metadata.js';

export const defaultRulesKey = '_default';
export const defaultTier = '_default_tier';

export type TieredReplicants = Readonly<Record<string, number>>;

export type Rule =
  | { readonly type: 'loadForever'; readonly tieredReplicants: TieredReplicants }
  | { readonly type: 'loadByInterval'; readonly interval: TimeInterval; readonly tieredReplicants: TieredReplicants }
  | { readonly type: 'loadByPeriod'; readonly period: string; readonly includeFuture: boolean; readonly tieredReplicants: TieredReplicants }
  | { readonly type: 'dropForever' }
  | { readonly type: 'dropByInterval'; readonly interval: TimeInterval }
  | { readonly type: 'dropByPeriod'; readonly period: string; readonly includeFuture: boolean }
  | { readonly type: 'dropBeforeByPeriod'; readonly period: string };

/** Druid's shipped default: every segment on two historicals of the default tier. */
export const defaultRules: readonly Rule[] = [{ type: 'loadForever', tieredReplicants: { [defaultTier]: 2 } }];

const ruleTypes = ['loadForever', 'loadByInterval', 'loadByPeriod', 'dropForever', 'dropByInterval', 'dropByPeriod', 'dropBeforeByPeriod'];

/** Parse a rule list as POSTed to /druid/coordinator/v1/rules/{dataSource}. */
export function parseRules(json: unknown, path = ''): Rule[] {
  if (!Array.isArray(json)) throw invalidInput(path, 'rules must be a JSON array');
  return json.map((rule, index) => parseRule(rule, `${path}[${index}]`));
}

function parseRule(json: unknown, path: string): Rule {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalidInput(path, 'a rule must be an object');
  const rule = json as Record<string, unknown>;
  const type = rule['type'];
  if (typeof type !== 'string' || !ruleTypes.includes(type)) throw invalidInput(`${path}.type`, `must be one of ${ruleTypes.join(', ')}`);
  const includeFuture = (): boolean => {
    const value = rule['includeFuture'] ?? true;
    if (typeof value !== 'boolean') throw invalidInput(`${path}.includeFuture`, 'must be true or false');
    return value;
  };
  switch (type) {
    case 'loadForever':
      return { type, tieredReplicants: parseReplicants(rule['tieredReplicants'], `${path}.tieredReplicants`) };
    case 'loadByInterval':
      return { type, interval: intervalOf(rule['interval'], `${path}.interval`), tieredReplicants: parseReplicants(rule['tieredReplicants'], `${path}.tieredReplicants`) };
    case 'loadByPeriod':
      return { type, period: periodOf(rule['period'], `${path}.period`), includeFuture: includeFuture(), tieredReplicants: parseReplicants(rule['tieredReplicants'], `${path}.tieredReplicants`) };
    case 'dropForever':
      return { type };
    case 'dropByInterval':
      return { type, interval: intervalOf(rule['interval'], `${path}.interval`) };
    case 'dropByPeriod':
      return { type, period: periodOf(rule['period'], `${path}.period`), includeFuture: includeFuture() };
    default:
      return { type: 'dropBeforeByPeriod', period: periodOf(rule['period'], `${path}.period`) };
  }
}

/** Absent means Druid's default: two replicas in the default tier. */
function parseReplicants(json: unknown, path: string): TieredReplicants {
  if (json === undefined || json === null) return { [defaultTier]: 2 };
  if (typeof json !== 'object' || Array.isArray(json)) throw invalidInput(path, 'must be an object of tier → replica count');
  const replicants: Record<string, number> = {};
  for (const [tier, count] of Object.entries(json)) {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw invalidInput(`${path}.${tier}`, 'must be a non-negative integer');
    replicants[tier] = count;
  }
  return replicants;
}

function intervalOf(json: unknown, path: string): TimeInterval {
  if (typeof json !== 'string') throw invalidInput(path, 'must be an ISO-8601 interval string');
  return parseInterval(json, path);
}

function periodOf(json: unknown, path: string): string {
  if (typeof json !== 'string' || parsePeriod(json) === null) throw invalidInput(path, 'must be an ISO-8601 period such as P1M');
  return json;
}

/** The rule as Druid's JSON. */
export function ruleJson(rule: Rule): unknown {
  if ('interval' in rule) return { ...rule, interval: formatInterval(rule.interval) };
  return rule;
}

/** now - period, in UTC calendar arithmetic. */
function periodAgoMs(period: string, nowMs: number): number {
  return DateTime.fromMillis(nowMs, { zone: 'utc' }).minus(parsePeriod(period)!).toMillis();
}

export function ruleApplies(rule: Rule, interval: TimeInterval, nowMs: number): boolean {
  switch (rule.type) {
    case 'loadForever':
    case 'dropForever':
      return true;
    case 'loadByInterval':
    case 'dropByInterval':
      return rule.interval.startMs < interval.endMs && interval.startMs < rule.interval.endMs;
    case 'loadByPeriod':
    case 'dropByPeriod': {
      const fromMs = periodAgoMs(rule.period, nowMs);
      return interval.endMs > fromMs && (rule.includeFuture || interval.startMs < nowMs);
    }
    case 'dropBeforeByPeriod':
      return interval.endMs <= periodAgoMs(rule.period, nowMs);
  }
}

/** Replicas per tier the first applying rule asks for; {} when a drop rule (or no rule) applies. */
export function replicantsFor(rules: readonly Rule[], interval: TimeInterval, nowMs: number): TieredReplicants {
  for (const rule of rules) {
    if (!ruleApplies(rule, interval, nowMs)) continue;
    return 'tieredReplicants' in rule ? rule.tieredReplicants : {};
  }
  return {};
}

export type RulesByDataSource = Readonly<Record<string, readonly Rule[]>>;

/** A datasource's own rules followed by the default ones (Druid's rule chain). */
export function rulesChain(all: RulesByDataSource, dataSource: string): readonly Rule[] {
  return [...(all[dataSource] ?? []), ...(all[defaultRulesKey] ?? defaultRules)];
}

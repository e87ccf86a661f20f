import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SedimentError } from '../../cluster/errors.js';
import { parseRules, replicantsFor, ruleJson, rulesChain } from '../../coordinator/rules.js';

const dayMs = 86_400_000;
const nowMs = Date.UTC(2024, 5, 15);

describe('rules', () => {
  it('applies the first matching rule of the datasource chain, then the defaults', () => {
    const rules = parseRules([
      { type: 'loadByPeriod', period: 'P7D', tieredReplicants: { hot: 2 } },
      { type: 'dropBeforeByPeriod', period: 'P30D' },
      { type: 'loadByInterval', interval: '2024-06-01/2024-06-05', tieredReplicants: { cold: 1 } },
      { type: 'dropForever' },
    ]);
    const day = (offset: number) => ({ startMs: nowMs + offset * dayMs, endMs: nowMs + (offset + 1) * dayMs });
    assert.deepEqual(replicantsFor(rules, day(-3), nowMs), { hot: 2 });
    assert.deepEqual(replicantsFor(rules, day(5), nowMs), { hot: 2 }); // includeFuture by default
    assert.deepEqual(replicantsFor(rules, day(-8), nowMs), {}); // no load rule: falls to dropForever
    assert.deepEqual(replicantsFor(rules, day(-40), nowMs), {}); // dropBeforeByPeriod
    assert.deepEqual(replicantsFor(rules, { startMs: Date.UTC(2024, 5, 2), endMs: Date.UTC(2024, 5, 3) }, nowMs), { cold: 1 });
    const chain = rulesChain({ wiki: rules.slice(0, 1) }, 'wiki');
    assert.deepEqual(replicantsFor(chain, day(-100), nowMs), { _default_tier: 2 });
    assert.deepEqual(ruleJson(rules[2]!), { type: 'loadByInterval', interval: '2024-06-01T00:00:00.000Z/2024-06-05T00:00:00.000Z', tieredReplicants: { cold: 1 } });
    assert.deepEqual(parseRules([{ type: 'dropByPeriod', period: 'P1M', includeFuture: false }]), [{ type: 'dropByPeriod', period: 'P1M', includeFuture: false }]);
  });

  it('rejects malformed rules naming the field', () => {
    const invalid = (json: unknown, field: string) =>
      assert.throws(() => parseRules(json, 'rules'), (error: unknown) => error instanceof SedimentError && error.message.startsWith(field));
    invalid({}, 'rules');
    invalid([{ type: 'loadSometimes' }], 'rules[0].type');
    invalid([{ type: 'loadByPeriod', period: '7 days' }], 'rules[0].period');
    invalid([{ type: 'loadForever', tieredReplicants: { hot: -1 } }], 'rules[0].tieredReplicants.hot');
    invalid([{ type: 'dropByInterval' }], 'rules[0].interval');
  });
});

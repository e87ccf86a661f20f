// and / or / not over other having specs; always / never constants.
import type { HavingSpec, ResultRow } from './having-spec.js';

export class AndHaving implements HavingSpec {
  readonly type = 'and';
  constructor(readonly specs: readonly HavingSpec[]) {}
  matches(row: ResultRow, timestampMs: number): boolean {
    return this.specs.every((spec) => spec.matches(row, timestampMs));
  }
}

export class OrHaving implements HavingSpec {
  readonly type = 'or';
  constructor(readonly specs: readonly HavingSpec[]) {}
  matches(row: ResultRow, timestampMs: number): boolean {
    return this.specs.some((spec) => spec.matches(row, timestampMs));
  }
}

export class NotHaving implements HavingSpec {
  readonly type = 'not';
  constructor(readonly spec: HavingSpec) {}
  matches(row: ResultRow, timestampMs: number): boolean {
    return !this.spec.matches(row, timestampMs);
  }
}

export class ConstantHaving implements HavingSpec {
  constructor(
    readonly type: 'always' | 'never',
    private readonly result: boolean,
  ) {}
  matches(): boolean {
    return this.result;
  }
}

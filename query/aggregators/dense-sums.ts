// Several sums folded in one pass over a range of rows: each row's group key is read once for up to
// four sums, not once per sum, and no per-row "seen" flag is written (the caller marks the groups it
// saw once, at the end). TSBS's double-groupby-all (ten sums per host and hour over 4 million rows)
// spent most of its time in one pass per sum.
import type { DenseSum, GroupedAccumulator } from './aggregator-factory.js';

export class DenseSums {
  private constructor(
    private readonly sums: readonly DenseSum[],
    /** The accumulators folded some other way. */
    readonly others: readonly GroupedAccumulator[],
  ) {}

  /**
   * The sums among `accumulators` that can be folded together for groups below `groupCount`; null
   * when fewer than two can (one pass each is then as good).
   */
  static of(accumulators: readonly GroupedAccumulator[], groupCount: number): DenseSums | null {
    const sums: DenseSum[] = [];
    const others: GroupedAccumulator[] = [];
    const targets = accumulators.map((accumulator) => accumulator.denseSum?.(groupCount) ?? null);
    if (targets.filter((target) => target !== null).length < 2) return null;
    accumulators.forEach((accumulator, index) => {
      const target = targets[index]!;
      if (target === null) others.push(accumulator);
      else sums.push(target);
    });
    return new DenseSums(sums, others);
  }

  /** Adds row startRow + i's values to group groups[i], for i below `length`. */
  addRange(startRow: number, groups: Uint32Array, length: number): void {
    const sums = this.sums;
    let index = 0;
    for (; index + 4 <= sums.length; index += 4) addFour(sums[index]!, sums[index + 1]!, sums[index + 2]!, sums[index + 3]!, startRow, groups, length);
    if (sums.length - index === 3) addThree(sums[index]!, sums[index + 1]!, sums[index + 2]!, startRow, groups, length);
    else if (sums.length - index === 2) addTwo(sums[index]!, sums[index + 1]!, startRow, groups, length);
    else if (sums.length - index === 1) addOne(sums[index]!, startRow, groups, length);
  }

  /** Marks seen, in every sum, each group below seen.length that folded a row (`seen[group]` 1). */
  markSeen(seen: Uint8Array): void {
    for (const sum of this.sums) {
      const target = sum.seen;
      for (let group = 0; group < seen.length; group++) if (seen[group] === 1) target[group] = 1;
    }
  }
}

function addFour(a: DenseSum, b: DenseSum, c: DenseSum, d: DenseSum, startRow: number, groups: Uint32Array, length: number): void {
  const [va, vb, vc, vd] = [a.values, b.values, c.values, d.values];
  const [sa, sb, sc, sd] = [a.sums, b.sums, c.sums, d.sums];
  for (let index = 0; index < length; index++) {
    const group = groups[index]!;
    const row = startRow + index;
    sa[group] += va[row]!;
    sb[group] += vb[row]!;
    sc[group] += vc[row]!;
    sd[group] += vd[row]!;
  }
}

function addThree(a: DenseSum, b: DenseSum, c: DenseSum, startRow: number, groups: Uint32Array, length: number): void {
  const [va, vb, vc] = [a.values, b.values, c.values];
  const [sa, sb, sc] = [a.sums, b.sums, c.sums];
  for (let index = 0; index < length; index++) {
    const group = groups[index]!;
    const row = startRow + index;
    sa[group] += va[row]!;
    sb[group] += vb[row]!;
    sc[group] += vc[row]!;
  }
}

function addTwo(a: DenseSum, b: DenseSum, startRow: number, groups: Uint32Array, length: number): void {
  const [va, vb] = [a.values, b.values];
  const [sa, sb] = [a.sums, b.sums];
  for (let index = 0; index < length; index++) {
    const group = groups[index]!;
    const row = startRow + index;
    sa[group] += va[row]!;
    sb[group] += vb[row]!;
  }
}

function addOne(a: DenseSum, startRow: number, groups: Uint32Array, length: number): void {
  const { values, sums } = a;
  for (let index = 0; index < length; index++) sums[groups[index]!] += values[startRow + index]!;
}

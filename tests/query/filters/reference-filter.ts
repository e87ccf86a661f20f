// A deliberately naive, row-at-a-time evaluation of Druid filter JSON with SQL three-valued logic,
// written independently of query/filters/ so the bitmap implementation can be checked against it.
// Row values are already normalized as the segment stores them: string | null, (string | null)[]
// for multi-value rows, number | null for numeric columns.

export type RowValue = string | number | null | readonly (string | null)[];
export type ReferenceRow = Readonly<Record<string, RowValue>>;
export type Json = Readonly<Record<string, unknown>>;
type Truth = boolean | null;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const asNumber = (text: string): number | null => (NUMBER.test(text) ? Number(text) : null);

/** Reference string form of a column number: integers of double columns print with ".0". */
function numberText(value: number, isDouble: boolean): string {
  return isDouble && Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Any-value semantics: TRUE if some value is TRUE, else UNKNOWN if some value is null, else FALSE. */
function anyValue(value: RowValue, nullResult: Truth, test: (value: string | number) => boolean): Truth {
  const values = Array.isArray(value) ? (value.length === 0 ? [null] : value) : [value as string | number | null];
  let result: Truth = false;
  for (const item of values) {
    const outcome = item === null ? nullResult : test(item);
    if (outcome === true) return true;
    if (outcome === null) result = null;
  }
  return result;
}

function compareNumericStrings(left: string, right: string): number {
  const a = asNumber(left);
  const b = asNumber(right);
  if (a !== null && b !== null) return Math.sign(a - b);
  if (a === null && b === null) return left < right ? -1 : left > right ? 1 : 0;
  return a === null ? -1 : 1;
}

function inRange(order: (bound: string) => number, lower: string | null, upper: string | null, lowerOpen: boolean, upperOpen: boolean): boolean {
  // order(bound) = sign(value - bound)
  if (lower !== null) {
    const c = order(lower);
    if (c < 0 || (c === 0 && lowerOpen)) return false;
  }
  if (upper !== null) {
    const c = order(upper);
    if (c > 0 || (c === 0 && upperOpen)) return false;
  }
  return true;
}

/** SQL LIKE by dynamic programming over code points. */
export function likeMatches(text: string, pattern: string, escape: string | null): boolean {
  const tokens: { kind: 'any' | 'one' | 'literal'; char?: string }[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    if (escape !== null && chars[i] === escape && i + 1 < chars.length) tokens.push({ kind: 'literal', char: chars[++i]! });
    else if (chars[i] === '%') tokens.push({ kind: 'any' });
    else if (chars[i] === '_') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'literal', char: chars[i]! });
  }
  const input = [...text];
  let reachable = new Array<boolean>(input.length + 1).fill(false);
  reachable[0] = true;
  for (const token of tokens) {
    const next = new Array<boolean>(input.length + 1).fill(false);
    for (let i = 0; i <= input.length; i++) {
      if (!reachable[i]) continue;
      if (token.kind === 'any') for (let j = i; j <= input.length; j++) next[j] = true;
      else if (i < input.length && (token.kind === 'one' || input[i] === token.char)) next[i + 1] = true;
    }
    reachable = next;
  }
  return reachable[input.length]!;
}

export function referenceEvaluate(filter: Json, row: ReferenceRow, doubleColumns: ReadonlySet<string>): Truth {
  const column = (filter['dimension'] ?? filter['column']) as string;
  const value: RowValue = row[column] ?? null;
  const isDouble = doubleColumns.has(column);
  const text = (item: string | number): string => (typeof item === 'number' ? numberText(item, isDouble) : item);
  switch (filter['type']) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and': {
      const results = (filter['fields'] as Json[]).map((child) => referenceEvaluate(child, row, doubleColumns));
      return results.includes(false) ? false : results.includes(null) ? null : true;
    }
    case 'or': {
      const results = (filter['fields'] as Json[]).map((child) => referenceEvaluate(child, row, doubleColumns));
      return results.includes(true) ? true : results.includes(null) ? null : false;
    }
    case 'not': {
      const result = referenceEvaluate(filter['field'] as Json, row, doubleColumns);
      return result === null ? null : !result;
    }
    case 'null':
      return anyValue(value, true, () => false);
    case 'selector':
    case 'equals': {
      const operand = (filter['type'] === 'selector' ? filter['value'] : filter['matchValue']) as string | null | undefined;
      if (operand === null || operand === undefined) return anyValue(value, true, () => false);
      return anyValue(value, null, (item) => (typeof item === 'number' ? asNumber(operand) === item : item === operand));
    }
    case 'in': {
      const values = filter['values'] as (string | null)[];
      return anyValue(value, values.includes(null) ? true : null, (item) =>
        typeof item === 'number' ? values.some((v) => v !== null && asNumber(v) === item) : values.includes(item),
      );
    }
    case 'bound': {
      const lower = (filter['lower'] ?? null) as string | null;
      const upper = (filter['upper'] ?? null) as string | null;
      const numeric = filter['ordering'] === 'numeric';
      return anyValue(value, null, (item) =>
        inRange(
          (bound) =>
            numeric
              ? typeof item === 'number'
                ? asNumber(bound) === null ? 1 : Math.sign(item - asNumber(bound)!)
                : compareNumericStrings(item, bound)
              : text(item) < bound ? -1 : text(item) > bound ? 1 : 0,
          lower,
          upper,
          filter['lowerStrict'] === true,
          filter['upperStrict'] === true,
        ),
      );
    }
    case 'range': {
      const numeric = filter['matchValueType'] !== 'STRING';
      const bound = (operand: unknown): string | null => (operand === undefined || operand === null ? null : String(operand));
      return referenceEvaluate(
        {
          type: 'bound',
          dimension: column,
          lower: bound(filter['lower']),
          upper: bound(filter['upper']),
          lowerStrict: filter['lowerOpen'] === true,
          upperStrict: filter['upperOpen'] === true,
          ordering: numeric ? 'numeric' : 'lexicographic',
        },
        row,
        doubleColumns,
      );
    }
    case 'like':
      return anyValue(value, null, (item) => likeMatches(text(item), filter['pattern'] as string, (filter['escape'] ?? null) as string | null));
    case 'regex':
      return anyValue(value, null, (item) => new RegExp(filter['pattern'] as string).test(text(item)));
    case 'search': {
      const query = filter['query'] as Json;
      const needle = (query['value'] as string).toLowerCase();
      return anyValue(value, null, (item) => text(item).toLowerCase().includes(needle));
    }
    case 'interval': {
      const ranges = (filter['intervals'] as string[]).map((interval) => interval.split('/').map((instant) => Date.parse(instant)));
      return anyValue(value, null, (item) => {
        const number = typeof item === 'number' ? item : asNumber(item);
        return number !== null && ranges.some(([start, end]) => number >= start! && number < end!);
      });
    }
    default:
      throw new Error(`reference: unhandled filter type ${String(filter['type'])}`);
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from '../../../query/expressions/parse-expression.js';
import { SedimentError } from '../../../cluster/errors.js';

const row: Record<string, unknown> = {
  x: 5,
  y: 2.5,
  zero: 0,
  negative: -7,
  s: 'abc',
  padded: '  hi  ',
  n: null,
  tags: ['a', 'b'],
  numeric: '12',
  t: Date.UTC(2020, 1, 29, 13, 45, 30, 250),
  'odd name': 'odd',
  flag: 'TRUE',
};
const get = (name: string): unknown => row[name];

// [expression, expected value] — expected values worked out by hand from Druid's documented semantics.
const cases: [string, unknown][] = [
  // literals and identifiers
  ['42', 42],
  ['1.5', 1.5],
  ['null', null],
  ['missing', null],
  ['"odd name"', 'odd'],
  ['[1, 2, 3]', [1, 2, 3]],
  // arithmetic: long stays long, any double makes a double
  ['x / 2', 2],
  ['x / 2.0', 2.5],
  ['-x / 2', -2],
  ['x % 3', 2],
  ['negative % 3', -1],
  ['x / zero', null],
  ['y / 0', Infinity],
  ['2 ^ 10', 1024],
  ['-2 ^ 2', 4],
  ['2 ^ 3 ^ 2', 512],
  ['1 + 2 * 3', 7],
  ['(1 + 2) * 3', 9],
  ['y * 2 / 4', 1.25],
  ['9223372036854775807 + 1', -9223372036854775808],
  // null propagation
  ['n + 1', null],
  ['n * 0', null],
  ['-n', null],
  // strings
  ["s + 'd'", 'abcd'],
  ['numeric * 2', 24],
  ['numeric + 1', 13],
  ["s + 1", null],
  // comparisons give 1/0, null when an operand is null
  ['x > 3', 1],
  ['x <= 3', 0],
  ["s == 'abc'", 1],
  ["s < 'abd'", 1],
  ['x == 5.0', 1],
  ['n == n', null],
  ['x != n', null],
  // three-valued logic
  ['x > 3 && n', null],
  ['x < 3 && n', 0],
  ['x > 3 || n', 1],
  ['x < 3 || n', null],
  ['!n', null],
  ['!zero', 1],
  ['!x', 0],
  ["flag && 1", 1],
  ["'troo' || 'true'", 1],
  ['1 || 0 && 0', 0],
  // general functions
  ["if(x > 3, 'big', 'small')", 'big'],
  ["if(n, 'yes', 'no')", 'no'],
  ["nvl(n, 'z')", 'z'],
  ["nvl(s, 'z')", 'abc'],
  ['coalesce(n, missing, 7)', 7],
  ["case_searched(x > 10, 'a', x > 3, 'b', 'c')", 'b'],
  ["case_searched(x > 10, 'a')", null],
  ["case_simple(s, 'x', 1, 'abc', 2, 3)", 2],
  ["case_simple(n, 'x', 1, 3)", 3],
  ['isnull(n)', 1],
  ['notnull(n)', 0],
  ["cast('1.7', 'LONG')", 1],
  ["cast('abc', 'DOUBLE')", null],
  ["cast(x, 'DOUBLE') / 2", 2.5],
  ["cast(y, 'STRING')", '2.5'],
  ["cast(x, 'STRING')", '5'],
  ["cast(1.0, 'STRING')", '1.0'],
  // string functions
  ["concat(s, '-', x)", 'abc-5'],
  ['concat(s, n)', null],
  ['upper(s)', 'ABC'],
  ['lower(upper(s))', 'abc'],
  ['upper(n)', null],
  ['upper(tags)', ['A', 'B']],
  ['strlen(s)', 3],
  ['strlen(n)', null],
  ['substring(s, 1, 1)', 'b'],
  ['substring(s, 1, 10)', 'bc'],
  ['substring(s, 5, 1)', null],
  ["replace(s, 'b', 'BB')", 'aBBc'],
  ["replace(n, 'b', 'x')", null],
  ['trim(padded)', 'hi'],
  ['ltrim(padded)', 'hi  '],
  ['rtrim(padded)', '  hi'],
  ["trim('xxhixx', 'x')", 'hi'],
  ["left(s, 2)", 'ab'],
  ["right(s, 2)", 'bc'],
  ["strpos(s, 'c')", 2],
  ["lpad(s, 5, '*')", '**abc'],
  ["rpad(s, 2, '*')", 'ab'],
  ["reverse(s)", 'cba'],
  ["repeat(s, 2)", 'abcabc'],
  ["like(s, 'a%')", 1],
  ["like(s, '_b_')", 1],
  ["like(s, 'b%')", 0],
  ["like('50%', '50!%', '!')", 1],
  ["like(n, 'a%')", null],
  ["regexp_extract(s, 'b(c)', 1)", 'c'],
  ["regexp_extract(s, 'b.')", 'bc'],
  ["regexp_extract(s, 'z')", null],
  ["regexp_like(s, '^a')", 1],
  ["regexp_replace(s, '[ac]', 'x')", 'xbx'],
  ["contains_string(s, 'bc')", 1],
  ["contains_string(s, 'BC')", 0],
  ["icontains_string(s, 'BC')", 1],
  ["contains_string(n, 'a')", null],
  // math
  ['abs(negative)', 7],
  ['abs(-2.5)', 2.5],
  ['floor(2.7)', 2],
  ['ceil(2.1)', 3],
  ['floor(-2.5)', -3],
  ['round(2.5)', 3],
  ['round(-2.5)', -3],
  ['round(2.675, 2)', 2.68],
  ['round(1250, -2)', 1300],
  ['round(x)', 5],
  ['round(n)', null],
  ['pow(2, 0.5)', Math.SQRT2],
  ['sqrt(16)', 4],
  ['exp(0)', 1],
  ['log(1)', 0],
  ['log10(1000)', 3],
  ['max(3, 7)', 7],
  ['min(3, 2.5)', 2.5],
  ['max(n, 1)', null],
  ['greatest(1, 2.5, n)', 2.5],
  ['greatest(n, missing)', null],
  ["least('b', 'a', 'c')", 'a'],
  ["greatest(1, 'a')", 'a'],
  ['least(3, 1, 2)', 1],
  ['div(7, 2)', 3],
  ['safe_divide(7, 0)', null],
  // time
  ["timestamp('2020-01-02T00:00:00Z')", Date.UTC(2020, 0, 2)],
  ["timestamp('2020-01-02')", Date.UTC(2020, 0, 2)],
  ["timestamp('02/01/2020', 'dd/MM/yyyy')", Date.UTC(2020, 0, 2)],
  ["timestamp('not a time')", null],
  ["timestamp_parse('2020-01-02 03:04:05')", Date.UTC(2020, 0, 2, 3, 4, 5)],
  ["timestamp_parse('2020-01-02T03:04:05.678+01:00')", Date.UTC(2020, 0, 2, 2, 4, 5, 678)],
  ["timestamp_parse('2020-01-02 03:04:05', null, 'America/New_York')", Date.UTC(2020, 0, 2, 8, 4, 5)],
  ["timestamp_parse('junk')", null],
  ["unix_timestamp('1970-01-01T00:01:00Z')", 60],
  ['timestamp_format(0)', '1970-01-01T00:00:00.000Z'],
  ["timestamp_format(t, 'yyyy/MM/dd HH:mm')", '2020/02/29 13:45'],
  ["timestamp_format(0, 'yyyy-MM-dd HH:mm', 'America/Los_Angeles')", '1969-12-31 16:00'],
  ['timestamp_format(n)', null],
  ["timestamp_floor(t, 'PT1H')", Date.UTC(2020, 1, 29, 13)],
  ["timestamp_floor(t, 'P1D')", Date.UTC(2020, 1, 29)],
  ["timestamp_floor(t, 'P1M')", Date.UTC(2020, 1, 1)],
  ["timestamp_ceil(t, 'P1D')", Date.UTC(2020, 2, 1)],
  ["timestamp_floor(n, 'P1D')", null],
  ["timestamp_shift(t, 'P1M', 1)", Date.UTC(2020, 2, 29, 13, 45, 30, 250)],
  ["timestamp_shift(t, 'P1D', -2)", Date.UTC(2020, 1, 27, 13, 45, 30, 250)],
  ["timestamp_extract(t, 'YEAR')", 2020],
  ["timestamp_extract(t, 'MONTH')", 2],
  ["timestamp_extract(t, 'DAY')", 29],
  ["timestamp_extract(t, 'HOUR')", 13],
  ["timestamp_extract(t, 'DOW')", 6],
  ["timestamp_extract(t, 'DOY')", 60],
  ["timestamp_extract(t, 'QUARTER')", 1],
  ["timestamp_extract(t, 'EPOCH')", Math.floor(Date.UTC(2020, 1, 29, 13, 45, 30, 250) / 1000)],
  ["timestamp_extract(t, 'HOUR', 'Asia/Kolkata')", 19],
  ['__time', null],
];

for (const [text, expected] of cases) {
  test(`expression ${text}`, () => {
    assert.deepEqual(parseExpression(text, 'expr').evaluate(get), expected);
  });
}

test('string escapes and quoted identifiers', () => {
  assert.equal(parseExpression("'it\\'s\\n'", 'e').evaluate(get), "it's\n");
  assert.equal(parseExpression("'\\u0041'", 'e').evaluate(get), 'A');
  assert.equal(parseExpression('"null"', 'e').evaluate((name) => (name === 'null' ? 'column' : undefined)), 'column');
});

test('requiredColumns lists identifiers once, in first-use order', () => {
  assert.deepEqual(parseExpression("concat(b, a, upper(b), \"c d\") + x", 'e').requiredColumns(), ['b', 'a', 'c d', 'x']);
  assert.deepEqual(parseExpression("timestamp_floor(__time, 'P1D')", 'e').requiredColumns(), ['__time']);
  assert.deepEqual(parseExpression("1 + 2", 'e').requiredColumns(), []);
});

test('lazy conditionals do not evaluate the branch they skip', () => {
  const seen: string[] = [];
  const tracking = (name: string): unknown => {
    seen.push(name);
    return row[name];
  };
  parseExpression('if(x > 3, s, never)', 'e').evaluate(tracking);
  parseExpression('nvl(s, alsoNever)', 'e').evaluate(tracking);
  parseExpression('x > 3 || notEither', 'e').evaluate(tracking);
  assert.deepEqual(seen, ['x', 's', 's', 'x']);
});

const errors: [string, RegExp][] = [
  ['', /empty/],
  ['1 +', /end of expression/],
  ['(1 + 2', /expected '\)'/],
  ['1 2', /unexpected '2'/],
  ["'open", /unterminated string/],
  ['nosuch(1)', /unknown function 'nosuch'/],
  ['upper(1, 2)', /takes 1 arguments, got 2/],
  ["like(s, s)", /must be a literal/],
  ["regexp_extract(s, '(')", /invalid regular expression/],
  ["timestamp_extract(t, 'FORTNIGHT')", /unknown unit/],
  ["timestamp_format(t, 'yyyy', 'Not/AZone')", /unknown time zone/],
  ["cast(x, 'BLOB')", /unsupported type/],
  ['1 # 2', /unexpected character '#'/],
  ['99999999999999999999', /out of range/],
];

for (const [text, pattern] of errors) {
  test(`bad expression ${JSON.stringify(text)} is invalid input naming the path`, () => {
    assert.throws(
      () => parseExpression(text, 'transforms[0].expression'),
      (error: unknown) => error instanceof SedimentError && error.code === 'invalid_input' && error.message.startsWith('transforms[0].expression') && pattern.test(error.message),
    );
  });
}

test('randomized arithmetic agrees with a BigInt/number reference', () => {
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const operators = ['+', '-', '*', '/', '%'] as const;
  for (let index = 0; index < 500; index++) {
    const left = Math.floor(random() * 2001) - 1000;
    const right = Math.floor(random() * 2001) - 1000;
    const operator = operators[Math.floor(random() * operators.length)]!;
    const useDouble = random() < 0.5;
    const text = `a ${operator} ${useDouble ? `${right}.0` : right}`;
    const actual = parseExpression(text, 'e').evaluate((name) => (name === 'a' ? left : undefined));
    let expected: number | null;
    if (useDouble) {
      expected = operator === '+' ? left + right : operator === '-' ? left - right : operator === '*' ? left * right : operator === '/' ? left / right : left % right;
    } else if ((operator === '/' || operator === '%') && right === 0) {
      expected = null;
    } else {
      const l = BigInt(left);
      const r = BigInt(right);
      expected = Number(operator === '+' ? l + r : operator === '-' ? l - r : operator === '*' ? l * r : operator === '/' ? l / r : l % r);
    }
    assert.deepEqual(actual, expected, text + ` with a=${left}`);
  }
});

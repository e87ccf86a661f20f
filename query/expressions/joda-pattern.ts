// Joda-Time DateTimeFormat patterns (what Druid's specs and expression functions take) translated
// to luxon format strings. Parsing and formatting need different translations for fractions of a
// second: Joda's S..S is a fraction; luxon parses fractions with `u` but formats them with S/u widths.
import { invalidInput } from '../../cluster/errors.js';

export type PatternUse = 'parse' | 'format';

function fractionToken(count: number, use: PatternUse): string {
  if (use === 'parse') return 'u';
  if (count === 1) return 'uuu';
  if (count === 2) return 'uu';
  return `SSS${count > 3 ? `'${'0'.repeat(count - 3)}'` : ''}`;
}

function letterRun(letter: string, count: number, use: PatternUse, pattern: string, path: string): string {
  switch (letter) {
    case 'y':
    case 'Y':
      return count === 2 ? 'yy' : count >= 4 ? 'yyyy' : 'y';
    case 'x':
      return count === 2 ? 'kk' : 'kkkk';
    case 'M':
      return 'M'.repeat(Math.min(count, 4));
    case 'd':
      return count >= 2 ? 'dd' : 'd';
    case 'D':
      return count >= 3 ? 'ooo' : 'o';
    case 'H':
    case 'h':
    case 'm':
    case 's':
      return letter.repeat(Math.min(count, 2));
    case 'S':
      return fractionToken(count, use);
    case 'a':
      return 'a';
    case 'E':
      return count >= 4 ? 'EEEE' : 'EEE';
    case 'e':
      return 'E';
    case 'w':
      return count >= 2 ? 'WW' : 'W';
    case 'G':
      return 'G';
    case 'Z':
      return count === 1 ? 'ZZZ' : count === 2 ? 'ZZ' : 'z';
    case 'z':
      return count >= 4 ? 'ZZZZZ' : 'ZZZZ';
    default:
      throw invalidInput(path, `unsupported letter '${letter}' in Joda time pattern '${pattern}'`);
  }
}

/** Translates a Joda pattern to luxon; throws invalidInput (naming `path`) for letters luxon cannot express. */
export function jodaToLuxon(pattern: string, path: string, use: PatternUse): string {
  let result = '';
  let index = 0;
  while (index < pattern.length) {
    const char = pattern[index]!;
    if (char === "'") {
      const end = pattern.indexOf("'", index + 1);
      if (end < 0) throw invalidInput(path, `unterminated quote in Joda time pattern '${pattern}'`);
      const literal = end === index + 1 ? "'" : pattern.slice(index + 1, end);
      result += literal === "'" ? "''" : `'${literal}'`;
      index = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(char)) {
      let end = index + 1;
      while (end < pattern.length && pattern[end] === char) end++;
      result += letterRun(char, end - index, use, pattern, path);
      index = end;
      continue;
    }
    result += char;
    index++;
  }
  return result;
}

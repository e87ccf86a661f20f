// Tokenizer for Druid's expression language (Expr.g4): numbers, 'strings', identifiers,
// "quoted identifiers", operators and punctuation. Positions are kept for error messages.
import { invalidInput } from '../../cluster/errors.js';

export type TokenKind = 'long' | 'double' | 'string' | 'identifier' | 'quotedIdentifier' | 'operator' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Literal text for numbers and operators; unescaped content for strings and identifiers. */
  readonly text: string;
  /** Offset of the token's first character in the expression text. */
  readonly position: number;
}

const operators = ['<=', '>=', '==', '!=', '&&', '||', '->', '+', '-', '*', '/', '%', '^', '<', '>', '!', '(', ')', ',', '[', ']'];
const identifierStart = /[A-Za-z_$]/;
const identifierPart = /[A-Za-z0-9_$]/;
const numberPattern = /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?/;

export function tokenize(text: string, path: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (char === "'" || char === '"') {
      const { value, end } = readQuoted(text, index, path);
      tokens.push({ kind: char === "'" ? 'string' : 'quotedIdentifier', text: value, position: index });
      index = end;
      continue;
    }
    if (/\d/.test(char) || (char === '.' && /\d/.test(text[index + 1] ?? ''))) {
      const match = numberPattern.exec(text.slice(index))!;
      const isDouble = match[0].includes('.') || match[2] !== undefined;
      tokens.push({ kind: isDouble ? 'double' : 'long', text: match[0], position: index });
      index += match[0].length;
      continue;
    }
    if (identifierStart.test(char)) {
      let end = index + 1;
      while (end < text.length && identifierPart.test(text[end]!)) end++;
      tokens.push({ kind: 'identifier', text: text.slice(index, end), position: index });
      index = end;
      continue;
    }
    const operator = operators.find((candidate) => text.startsWith(candidate, index));
    if (operator === undefined) throw invalidInput(path, `unexpected character '${char}' at position ${index} in expression`);
    tokens.push({ kind: 'operator', text: operator, position: index });
    index += operator.length;
  }
  tokens.push({ kind: 'end', text: '', position: text.length });
  return tokens;
}

const escapes: Record<string, string> = { "'": "'", '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readQuoted(text: string, start: number, path: string): { value: string; end: number } {
  const quote = text[start]!;
  let value = '';
  let index = start + 1;
  while (index < text.length) {
    const char = text[index]!;
    if (char === quote) return { value, end: index + 1 };
    if (char !== '\\') {
      value += char;
      index++;
      continue;
    }
    const next = text[index + 1] ?? '';
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(index + 2, index + 6))) {
      value += String.fromCharCode(parseInt(text.slice(index + 2, index + 6), 16));
      index += 6;
    } else if (escapes[next] !== undefined) {
      value += escapes[next];
      index += 2;
    } else {
      throw invalidInput(path, `invalid escape '\\${next}' at position ${index} in expression`);
    }
  }
  throw invalidInput(path, `unterminated ${quote === "'" ? 'string literal' : 'quoted identifier'} starting at position ${start}`);
}

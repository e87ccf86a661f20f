// Recursive-descent parser for Druid's expression language. Precedence, loosest first:
// && || (same level, left-assoc) < comparisons < + - < * / % < ^ (right-assoc) < unary ! -.
// Unary binds tightest, as in Druid's grammar, so -2^2 is 4.
import { invalidInput } from '../../cluster/errors.js';
import type { Expression, ExpressionBindings, ExpressionOutput } from './expression.js';
import { tokenize, type Token } from './expression-lexer.js';
import { ArrayNode, IdentifierNode, LiteralNode, type ExpressionNode } from './expression-node.js';
import { toOutput, wrapLong } from './expression-value.js';
import { lookupFunction } from './function-registry.js';
import { BinaryNode, LogicalNode, NegateNode, NotNode, type BinaryOperator } from './operator-nodes.js';

const comparisonOperators = new Set(['<', '<=', '>', '>=', '==', '!=']);
const expressionTextLengthMax = 1_000_000;
const nestingDepthMax = 500;

class ParsedExpression implements Expression {
  private readonly columns: string[];

  constructor(private readonly root: ExpressionNode) {
    const names: string[] = [];
    root.collectColumns(names);
    this.columns = [...new Set(names)];
  }

  evaluate(get: ExpressionBindings): ExpressionOutput {
    return toOutput(this.root.evaluate(get));
  }

  requiredColumns(): string[] {
    return [...this.columns];
  }

  toString(): string {
    return this.root.toString();
  }
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly path: string,
  ) {}

  parseAll(): ExpressionNode {
    const node = this.parseLogical();
    const token = this.peek();
    if (token.kind !== 'end') throw this.error(token, `unexpected '${token.text}'`);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    return this.tokens[this.index++]!;
  }

  private isOperator(text: string): boolean {
    const token = this.peek();
    return token.kind === 'operator' && token.text === text;
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.kind !== 'operator' || token.text !== text) throw this.error(token, `expected '${text}'`);
  }

  private error(token: Token, message: string): Error {
    const where = token.kind === 'end' ? 'at end of expression' : `at position ${token.position}`;
    return invalidInput(this.path, `${message} ${where}`);
  }

  private parseLogical(): ExpressionNode {
    let left = this.parseComparison();
    while (this.isOperator('&&') || this.isOperator('||')) {
      const operator = this.next().text as '&&' | '||';
      left = new LogicalNode(operator, left, this.parseComparison());
    }
    return left;
  }

  private parseComparison(): ExpressionNode {
    let left = this.parseAdditive();
    while (this.peek().kind === 'operator' && comparisonOperators.has(this.peek().text)) {
      const operator = this.next().text as BinaryOperator;
      left = new BinaryNode(operator, left, this.parseAdditive());
    }
    return left;
  }

  private parseAdditive(): ExpressionNode {
    let left = this.parseMultiplicative();
    while (this.isOperator('+') || this.isOperator('-')) {
      const operator = this.next().text as BinaryOperator;
      left = new BinaryNode(operator, left, this.parseMultiplicative());
    }
    return left;
  }

  private parseMultiplicative(): ExpressionNode {
    let left = this.parsePower();
    while (this.isOperator('*') || this.isOperator('/') || this.isOperator('%')) {
      const operator = this.next().text as BinaryOperator;
      left = new BinaryNode(operator, left, this.parsePower());
    }
    return left;
  }

  private parsePower(): ExpressionNode {
    const base = this.parseUnary();
    if (!this.isOperator('^')) return base;
    this.next();
    return new BinaryNode('^', base, this.parsePower());
  }

  private parseUnary(): ExpressionNode {
    if (this.isOperator('-')) {
      this.next();
      return negateNode(this.nested(() => this.parseUnary()));
    }
    if (this.isOperator('!')) {
      this.next();
      return new NotNode(this.nested(() => this.parseUnary()));
    }
    return this.parsePrimary();
  }

  private nested(parse: () => ExpressionNode): ExpressionNode {
    if (++this.depth > nestingDepthMax) throw invalidInput(this.path, `expression nests deeper than ${nestingDepthMax} levels`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parsePrimary(): ExpressionNode {
    const token = this.next();
    switch (token.kind) {
      case 'long':
        return new LiteralNode(parseLongLiteral(token, this.path));
      case 'double':
        return new LiteralNode(Number(token.text));
      case 'string':
        return new LiteralNode(token.text);
      case 'identifier':
        return this.parseIdentifier(token);
      case 'quotedIdentifier':
        return new IdentifierNode(token.text);
      case 'operator':
        if (token.text === '(') {
          const inner = this.nested(() => this.parseLogical());
          this.expect(')');
          return inner;
        }
        if (token.text === '[') return this.parseArray();
        throw this.error(token, `unexpected '${token.text}'`);
      default:
        throw this.error(token, 'unexpected end of expression');
    }
  }

  private parseIdentifier(token: Token): ExpressionNode {
    if (this.isOperator('(')) return this.parseCall(token);
    if (token.text === 'null') return new LiteralNode(null);
    if (token.text === 'NaN') return new LiteralNode(Number.NaN);
    if (token.text === 'Infinity') return new LiteralNode(Infinity);
    return new IdentifierNode(token.text);
  }

  private parseCall(nameToken: Token): ExpressionNode {
    this.expect('(');
    const args: ExpressionNode[] = [];
    if (!this.isOperator(')')) {
      do args.push(this.nested(() => this.parseLogical()));
      while (this.isOperator(',') && this.next());
    }
    this.expect(')');
    const definition = lookupFunction(nameToken.text);
    if (definition === undefined) throw this.error(nameToken, `unknown function '${nameToken.text}'`);
    if (args.length < definition.minArguments || args.length > definition.maxArguments) {
      const expected = definition.minArguments === definition.maxArguments ? `${definition.minArguments}` : definition.maxArguments === Infinity ? `at least ${definition.minArguments}` : `${definition.minArguments} to ${definition.maxArguments}`;
      throw this.error(nameToken, `function '${definition.name}' takes ${expected} arguments, got ${args.length},`);
    }
    return new FunctionNode(definition.name, args, definition.bind(args, this.path));
  }

  private parseArray(): ExpressionNode {
    const elements: ExpressionNode[] = [];
    if (!this.isOperator(']')) {
      do elements.push(this.nested(() => this.parseLogical()));
      while (this.isOperator(',') && this.next());
    }
    this.expect(']');
    return new ArrayNode(elements);
  }
}

class FunctionNode implements ExpressionNode {
  constructor(
    readonly name: string,
    readonly args: readonly ExpressionNode[],
    private readonly bound: (get: ExpressionBindings) => ReturnType<ExpressionNode['evaluate']>,
  ) {}

  evaluate(get: ExpressionBindings): ReturnType<ExpressionNode['evaluate']> {
    return this.bound(get);
  }

  collectColumns(into: string[]): void {
    for (const arg of this.args) arg.collectColumns(into);
  }

  toString(): string {
    return `${this.name}(${this.args.join(', ')})`;
  }
}

function negateNode(operand: ExpressionNode): ExpressionNode {
  if (operand instanceof LiteralNode) {
    if (typeof operand.value === 'bigint') return new LiteralNode(wrapLong(-operand.value));
    if (typeof operand.value === 'number') return new LiteralNode(-operand.value);
  }
  return new NegateNode(operand);
}

function parseLongLiteral(token: Token, path: string): bigint {
  const value = BigInt(token.text);
  // 9223372036854775808 is only valid negated; wrapping makes -(-2^63) come back to -2^63 as Java does.
  if (value > 2n ** 63n) throw invalidInput(path, `long literal ${token.text} out of range at position ${token.position}`);
  return value === 2n ** 63n ? -(2n ** 63n) : value;
}

/** Parse Druid expression text. Errors are invalidInput naming `path` and the position. */
export function parseExpression(text: string, path: string): Expression {
  if (typeof text !== 'string') throw invalidInput(path, 'must be an expression string');
  if (text.length > expressionTextLengthMax) throw invalidInput(path, `expression longer than ${expressionTextLengthMax} characters`);
  if (text.trim() === '') throw invalidInput(path, 'expression is empty');
  return new ParsedExpression(new Parser(tokenize(text, path), path).parseAll());
}

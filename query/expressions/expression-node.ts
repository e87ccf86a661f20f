// Nodes of the parsed expression tree. Each node evaluates to the internal value model
// (expression-value.ts); only the root converts back to plain JS values.
import type { ExpressionBindings } from './expression.js';
import { fromInput, type ExprValue } from './expression-value.js';

export interface ExpressionNode {
  /** Evaluate against one row. Never throws on bad data (returns null instead). */
  evaluate(get: ExpressionBindings): ExprValue;
  /** Appends the identifiers this node reads to `into` (duplicates allowed; the root dedups). */
  collectColumns(into: string[]): void;
  /** Druid syntax for the node. */
  toString(): string;
}

export class LiteralNode implements ExpressionNode {
  constructor(readonly value: ExprValue) {}

  evaluate(): ExprValue {
    return this.value;
  }

  collectColumns(): void {}

  toString(): string {
    return literalText(this.value);
  }
}

function literalText(value: ExprValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(literalText).join(', ')}]`;
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number') return Number.isInteger(value) ? `${value}.0` : String(value);
  return value.toString();
}

export class IdentifierNode implements ExpressionNode {
  constructor(readonly name: string) {}

  evaluate(get: ExpressionBindings): ExprValue {
    return fromInput(get(this.name));
  }

  collectColumns(into: string[]): void {
    into.push(this.name);
  }

  toString(): string {
    return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(this.name) ? this.name : `"${this.name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
}

/** An array constructor `[a, b, ...]`; nested arrays are flattened to their string form by fromInput's rules. */
export class ArrayNode implements ExpressionNode {
  constructor(readonly elements: readonly ExpressionNode[]) {}

  evaluate(get: ExpressionBindings): ExprValue {
    return this.elements.map((element) => {
      const value = element.evaluate(get);
      return Array.isArray(value) ? (value.length === 0 ? null : value[0]!) : value;
    });
  }

  collectColumns(into: string[]): void {
    for (const element of this.elements) element.collectColumns(into);
  }

  toString(): string {
    return `[${this.elements.join(', ')}]`;
  }
}

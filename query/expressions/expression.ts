// The Expression seam: Druid's expression language (transforms, virtual columns, expression filters).
// Parsed once by parse-expression.ts into an immutable tree; evaluation never sees the text again.

/** Looks up an input column or row field by name; undefined and null both mean null. */
export type ExpressionBindings = (name: string) => unknown;

/** A value an expression produces: a long or double (JS number), a string, null, or an array of those. */
export type ExpressionOutput = number | string | null | readonly (number | string | null)[];

export interface Expression {
  /** Evaluate against one row. Longs and doubles both come back as JS numbers. Never throws on bad data: null. */
  evaluate(get: ExpressionBindings): ExpressionOutput;
  /** Names of the identifiers the expression reads, deduplicated, in first-use order. */
  requiredColumns(): string[];
  /** The expression printed back in Druid syntax (normalized spacing), for messages and debugging. */
  toString(): string;
}

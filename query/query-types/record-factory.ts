// Builds result records with a fixed key list from an array of values. A record literal compiled
// for the key list gives every record one hidden class and fills it without keyed stores; filling
// records key by key from a loop goes through a megamorphic store per key (~4 µs per 20-key row).

/** Makes `{ [keys[i]]: values[i] }` records, keys in order (a later duplicate key wins, as assignment would). */
export type RecordFactory = (values: readonly unknown[]) => Record<string, unknown>;

export function recordFactory(keys: readonly string[]): RecordFactory {
  // `__proto__` as a literal key would set the prototype instead of making a property.
  if (keys.includes('__proto__')) return (values) => assignRecord(keys, values);
  // Keys are embedded as JSON string literals, which are valid JavaScript string literals.
  const properties = keys.map((key, index) => `${JSON.stringify(key)}: values[${index}]`).join(', ');
  return new Function('values', `return { ${properties} };`) as RecordFactory;
}

function assignRecord(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  keys.forEach((key, index) => Object.defineProperty(record, key, { value: values[index], enumerable: true, writable: true, configurable: true }));
  return record;
}

// Java regular expressions (Druid's regex filter and regex search) compiled to JavaScript RegExps.
// Leading inline flags like (?i) become RegExp flags; the rest of the syntax is shared.
import { invalidInput } from '../../cluster/errors.js';

/** Compile a Java-style pattern; matching is unanchored like Java's Matcher.find(). */
export function compileJavaRegex(pattern: string, path: string): RegExp {
  let source = pattern;
  let flags = '';
  const inline = /^\(\?([imsu]+)\)/.exec(source);
  if (inline !== null) {
    flags = [...new Set(inline[1]!.replace('u', ''))].join('');
    source = source.slice(inline[0].length);
  }
  try {
    return new RegExp(source, `${flags}u`);
  } catch {
    // Java accepts escapes such as \- or \_ that unicode-mode JavaScript rejects.
    try {
      return new RegExp(source, flags);
    } catch (error) {
      throw invalidInput(path, `invalid regular expression: ${(error as Error).message}`);
    }
  }
}

// A predicate over dictionary values for a search query spec, evaluated once per dictionary value.
import type { SearchQuerySpec } from './search-query.js';

export function searchMatcher(spec: SearchQuerySpec): (value: string) => boolean {
  switch (spec.type) {
    case 'insensitive_contains': {
      const needle = spec.value.toLowerCase();
      return (value) => value.toLowerCase().includes(needle);
    }
    case 'contains': {
      if (spec.caseSensitive) return (value) => value.includes(spec.value);
      const needle = spec.value.toLowerCase();
      return (value) => value.toLowerCase().includes(needle);
    }
    case 'fragment': {
      if (spec.caseSensitive) return (value) => spec.values.every((fragment) => value.includes(fragment));
      const needles = spec.values.map((fragment) => fragment.toLowerCase());
      return (value) => {
        const lower = value.toLowerCase();
        return needles.every((needle) => lower.includes(needle));
      };
    }
    case 'regex': {
      const { pattern } = spec;
      return (value) => pattern.test(value);
    }
  }
}

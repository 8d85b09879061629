/**
 * The one cache of parsed file texts, and its count. A Dockerfile, compose file or Kubernetes manifest
 * is parsed here once per distinct text (the repo's, and each version this run's edits make of it) and
 * the syntax tree is shared by every reader and edit that asks (all of them only read it). The count is
 * how a test proves that for a whole run: nothing the tool does depends on it, and outside countParses
 * it does nothing.
 */
export type ParsedFormat = 'dockerfile' | 'compose' | 'k8s';

/** Enough for every container file of a large monorepo and the versions a run plans for them. */
const LIMIT = 4096;

let parses: Map<string, number> | null = null;
const caches = new Set<Map<string, unknown>>();

/** `parse`, run once per distinct text; later askers get the same result. */
export function parsedOnce<T>(format: ParsedFormat, parse: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  caches.add(cache as Map<string, unknown>);
  return (text) => {
    if (cache.has(text)) return cache.get(text)!;
    if (parses !== null) {
      const key = `${format}\u0000${text}`;
      parses.set(key, (parses.get(key) ?? 0) + 1);
    }
    const value = parse(text);
    if (cache.size >= LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(text, value);
    return value;
  };
}

/**
 * Runs `work` and returns how often each (format, text) was parsed meanwhile, keyed `format\0text`. The
 * caches start empty, so every parse of the work is seen. Not re-entrant.
 */
export async function countParses<T>(work: () => T | Promise<T>): Promise<{ result: T; parses: Map<string, number> }> {
  for (const cache of caches) cache.clear();
  const mine = new Map<string, number>();
  parses = mine;
  try {
    return { result: await work(), parses: mine };
  } finally {
    parses = null;
  }
}

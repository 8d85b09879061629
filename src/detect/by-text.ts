/**
 * A reader of file texts that parses each distinct text once per process and hands every caller the
 * same frozen facts. Generators of every app ask about the same files (each app's timeout chain reads
 * every Dockerfile, compose file and manifest of the repo); the plan's text is the key, so a file this
 * run already edited is read as edited, and the edit is parsed once too.
 */

/** Enough for every container file of a large monorepo and the versions a run plans for them. */
const LIMIT = 4096;

export type TextReader<T> = (text: string, path?: string) => T;

export function byText<T>(read: (text: string) => T): TextReader<T> {
  const cache = new Map<string, T>();
  // The text each path was last asked with: the plan hands back the same string each time, which
  // compares at once, where a lookup by text hashes and compares every character (a 200-app
  // Dockerfile is 12 kB, asked about 200 times per app).
  const byPath = new Map<string, { text: string; value: T }>();
  const ofText = (text: string): T => {
    if (cache.has(text)) return cache.get(text)!;
    const value = deepFreeze(read(text));
    if (cache.size >= LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(text, value);
    return value;
  };
  return (text, path) => {
    if (path === undefined) return ofText(text);
    const last = byPath.get(path);
    if (last !== undefined && last.text === text) {
      last.text = text; // equal, maybe not the same string: keep the one callers hand in now
      return last.value;
    }
    const value = ofText(text);
    if (byPath.size >= LIMIT) byPath.delete(byPath.keys().next().value!);
    byPath.set(path, { text, value });
    return value;
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

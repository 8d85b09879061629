/** The version specifiers a Python project's manifests pin, and what they allow. */
import type { PythonApp } from '../detect/facts.js';

/** Version specifiers by normalised name (`fastapi` -> '>=0.110'): detection read them (PythonApp.versionPins). */
export function projectSpecifiers(app: PythonApp): ReadonlyMap<string, string> {
  return new Map(Object.entries(app.versionPins ?? {}));
}

function versionParts(text: string): number[] | null {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(text);
  return m ? m[1]!.split('.').map(Number) : null;
}

function atLeast(version: readonly number[], floor: readonly number[]): boolean {
  for (let i = 0; i < Math.max(version.length, floor.length); i++) {
    const a = version[i] ?? 0;
    const b = floor[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/**
 * True when every release a specifier allows is `floor` or later: one of its clauses sets a lower
 * bound (`==`, `===`, `>=`, `>`, `~=`, Poetry's `^` and `~`, or a bare Poetry version) at or above it.
 * An unpinned or upper-bound-only dependency is not known to be recent enough.
 */
export function requiresAtLeast(specifier: string | undefined, floor: readonly number[]): boolean {
  if (!specifier) return false;
  return specifier.split(',').some((clause) => {
    const m = /^(===|==|>=|~=|>|\^|~)?\s*(\S+)$/.exec(clause.trim());
    if (!m || (m[1] === undefined && !/^\d/.test(m[2]!))) return false;
    const version = versionParts(m[2]!);
    return version !== null && atLeast(version, floor);
  });
}

/**
 * True when every release a specifier allows is older than `ceiling`: an exact pin (`==`, `===`,
 * a bare Poetry version) below it, or an upper bound (`<`, `<=`) that excludes it.
 */
export function requiresAtMost(specifier: string | undefined, ceiling: readonly number[]): boolean {
  if (!specifier) return false;
  return specifier.split(',').some((clause) => {
    const m = /^(===|==|<=|<)?\s*(\S+)$/.exec(clause.trim());
    if (!m || (m[1] === undefined && !/^\d/.test(m[2]!))) return false;
    const version = versionParts(m[2]!.replace(/\.\*$/, ''));
    if (version === null) return false;
    return m[1] === '<' ? atLeast(ceiling, version) : !atLeast(version, ceiling);
  });
}

/**
 * Cheap facts about a Python source file, for detection only (the entrypoint edit itself uses a
 * real parser, src/edits/python/). Line-anchored patterns: good enough to rank candidate files.
 */
import type { PythonFramework } from './facts.js';

const MAIN_GUARD = /^if\s+(?:__name__\s*==\s*(['"])__main__\1|(['"])__main__\2\s*==\s*__name__)\s*:/m;

export function hasMainGuard(text: string): boolean {
  return MAIN_GUARD.test(text);
}

/** Framework from the file's own imports, most specific first; null when it imports none. */
export function frameworkFromImports(text: string): PythonFramework | null {
  const imports = (mod: string) => new RegExp(`^\\s*(?:from\\s+${mod}(?:\\.[\\w.]+)?\\s+import|import\\s+${mod}\\b)`, 'm').test(text);
  if (imports('fastapi')) return 'fastapi';
  if (imports('starlette')) return 'starlette';
  if (imports('flask')) return 'flask';
  if (imports('django')) return 'django';
  if (/^\s*(?:from\s+aiohttp\s+import\s+[^\n]*\bweb\b|import\s+aiohttp\.web|from\s+aiohttp\.web\s+import)/m.test(text)) return 'aiohttp';
  return null;
}

export function usesAsyncio(text: string): boolean {
  return (
    /\basyncio\.run\s*\(|\.run_until_complete\s*\(|^\s*(?:from\s+asyncio\s+import|import\s+asyncio\b)/m.test(text) &&
    /\basync\s+def\b/.test(text)
  );
}

/** Top-level variables assigned from a constructor call: `app = FastAPI(` -> ['app']. */
export function appInstances(text: string, classes: readonly string[]): string[] {
  const re = new RegExp(`^([A-Za-z_]\\w*)\\s*(?::[^=\\n]+)?=\\s*(?:[\\w.]+\\.)?(?:${classes.join('|')})\\s*\\(`, 'gm');
  const out: string[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1]!);
  return out;
}

export const APP_CLASSES: Record<string, readonly string[]> = {
  fastapi: ['FastAPI'],
  starlette: ['Starlette'],
  flask: ['Flask'],
  aiohttp: ['Application'],
};

/** Any known app instance, in the order the frameworks are listed. */
export function anyAppInstance(text: string): { variable: string; framework: PythonFramework } | null {
  for (const [framework, classes] of Object.entries(APP_CLASSES)) {
    const found = appInstances(text, classes);
    if (found.length) {
      const variable = found.includes('app') ? 'app' : found.includes('api') ? 'api' : found[0]!;
      return { variable, framework: framework as PythonFramework };
    }
  }
  return null;
}

/** A top-level `def name(` / `async def name(`. */
export function definesFunction(text: string, name: string): boolean {
  return new RegExp(`^(?:async\\s+)?def\\s+${name}\\s*\\(`, 'm').test(text);
}

export interface UvicornRunCall {
  /** `uvicorn.run("app.main:app")`: the import string. */
  target: string | null;
  /** `uvicorn.run(app)`: the variable. */
  variable: string | null;
  workers: number | null;
}

/** `uvicorn.run(...)` in the file, e.g. inside its `__main__` block. */
export function uvicornRunCall(text: string): UvicornRunCall | null {
  const m = /\buvicorn\.run\s*\(\s*(?:(['"])([^'"]+)\1|([A-Za-z_]\w*))([^)]*)\)/.exec(text);
  if (!m) return null;
  const workers = /\bworkers\s*=\s*(\d+)/.exec(m[4] ?? '');
  return { target: m[2] ?? null, variable: m[3] ?? null, workers: workers ? Number(workers[1]) : null };
}

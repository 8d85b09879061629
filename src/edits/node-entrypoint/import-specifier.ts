/**
 * The specifier the entry file should use to import the generated module, in the file's own
 * style: `./shutdown.js` under NodeNext ESM, `./shutdown` under bundler resolution or CommonJS,
 * `./shutdown.ts` with allowImportingTsExtensions, `./shutdown.cjs` where require() needs it.
 */
import { posix } from 'node:path';
import type { ModuleSystem, TsconfigFacts } from '../../detect/facts.js';

export interface SpecifierInput {
  /** Repo-relative path of the entry file. */
  entrypoint: string;
  /** Repo-relative path of the generated module. */
  moduleFile: string;
  moduleSystem: ModuleSystem;
  tsconfig: TsconfigFacts | null;
  /** The entry file's text: its relative imports show the style the project already uses. */
  source: string;
}

type Style = 'js' | 'ts' | 'none';

const RUNTIME_EXT: Record<string, string> = { '.ts': '.js', '.tsx': '.js', '.mts': '.mjs', '.cts': '.cjs' };

export function importSpecifier(input: SpecifierInput): string {
  let rel = posix.relative(posix.dirname(input.entrypoint), input.moduleFile);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const modExt = posix.extname(rel);
  const stem = rel.slice(0, rel.length - modExt.length);
  const runtime = stem + (RUNTIME_EXT[modExt] ?? modExt);
  const withTsExt = stem + modExt;
  const isTs = /\.[cm]?tsx?$/.test(input.entrypoint);
  const style = observedStyle(input.source);
  const allowTs = input.tsconfig?.allowImportingTsExtensions === true;

  if (input.moduleSystem === 'cjs') {
    // require() only tries .js/.json/.node: a .cjs module must be named in full.
    if (modExt === '.cjs' || modExt === '.cts') return allowTs && style === 'ts' ? withTsExt : runtime;
    if (style === 'js') return runtime;
    if (style === 'ts' && allowTs) return withTsExt;
    return stem;
  }
  if (!isTs) return runtime;
  if (allowTs && style !== 'js' && style !== 'none') return withTsExt;
  const resolution = (input.tsconfig?.moduleResolution ?? '').toLowerCase();
  const bundler = resolution === 'bundler' || resolution === 'node' || resolution === 'node10';
  if (bundler) return style === 'js' ? runtime : style === 'ts' && allowTs ? withTsExt : stem;
  if (input.tsconfig === null && style === 'none') return stem;
  if (input.tsconfig === null && style === 'ts') return withTsExt;
  return runtime;
}

/** The majority style of the file's relative module specifiers, or null when it has none. */
function observedStyle(source: string): Style | null {
  const counts: Record<Style, number> = { js: 0, ts: 0, none: 0 };
  const re = /(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^\s*import\s+)(['"])(\.\.?\/[^'"]*)\1/gm;
  for (const m of source.matchAll(re)) {
    const spec = m[2] ?? '';
    if (/\.[cm]?js$/.test(spec)) counts.js += 1;
    else if (/\.[cm]?tsx?$/.test(spec)) counts.ts += 1;
    else if (!/\.\w+$/.test(spec)) counts.none += 1;
  }
  const total = counts.js + counts.ts + counts.none;
  if (total === 0) return null;
  return (Object.entries(counts) as [Style, number][]).sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

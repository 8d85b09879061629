/** The compiler options that decide where sources live and how imports are written. */
import { posix } from 'node:path';
import type { TsconfigFacts } from './facts.js';
import type { RepoFiles } from './repo-files.js';
import { isRecord, parseJsonc } from './json.js';

/** The tsconfig.json of a package dir (falling back to the repo root's), with relative `extends` followed. */
export function detectTsconfig(files: RepoFiles, pkgDir: string): TsconfigFacts | null {
  const candidates = [pkgDir ? `${pkgDir}/tsconfig.json` : 'tsconfig.json', 'tsconfig.json'];
  const path = candidates.find((p) => files.has(p));
  if (!path) return null;
  const unread: string[] = [];
  const opts = collectOptions(files, path, new Set(), unread);
  const str = (k: string): string | null => (typeof opts[k] === 'string' ? (opts[k] as string) : null);
  return {
    path,
    module: str('module'),
    moduleResolution: str('moduleResolution'),
    outDir: str('outDir'),
    rootDir: str('rootDir'),
    allowImportingTsExtensions: opts['allowImportingTsExtensions'] === true,
    verbatimModuleSyntax: opts['verbatimModuleSyntax'] === true,
    erasableSyntaxOnly: opts['erasableSyntaxOnly'] === true,
    unreadExtends: unread,
  };
}

/** Package presets whose settings change which module flavour compiles (as published on npm). */
const PRESETS: Record<string, Record<string, unknown>> = {
  '@tsconfig/node-ts': { verbatimModuleSyntax: true, erasableSyntaxOnly: true, allowImportingTsExtensions: true },
};

/** compilerOptions merged along the extends chain; paths made relative to the config that set them. */
function collectOptions(files: RepoFiles, path: string, seen: Set<string>, unread: string[]): Record<string, unknown> {
  if (seen.has(path)) return {};
  seen.add(path);
  const text = files.read(path);
  if (text === null) return {};
  const json = parseJsonc(text, path);
  if (!isRecord(json)) return {};
  const dir = posix.dirname(path);
  let base: Record<string, unknown> = {};
  const ext = json['extends'];
  for (const e of Array.isArray(ext) ? ext : [ext]) {
    if (typeof e !== 'string') continue;
    if (e.startsWith('.')) {
      const target = posix.normalize(posix.join(dir, e.endsWith('.json') ? e : `${e}.json`));
      base = { ...base, ...collectOptions(files, target, seen, unread) };
    } else {
      // node_modules is not read: presets known to set what matters here are taken from this table.
      const known = PRESETS[e.replace(/\/tsconfig(\.json)?$/, '')];
      if (known) base = { ...base, ...known };
      else unread.push(e);
    }
  }
  const own = isRecord(json['compilerOptions']) ? { ...json['compilerOptions'] } : {};
  for (const k of ['outDir', 'rootDir'] as const) {
    const v = own[k];
    if (typeof v === 'string') own[k] = posix.normalize(posix.join(dir, v));
  }
  return { ...base, ...own };
}

/**
 * Finds the file a Node app starts from and maps built output back to its source:
 * `node dist/server.js` with outDir dist and rootDir src means src/server.ts is what to edit.
 */
import { posix } from 'node:path';
import type { ModuleSystem, NodeEntrypoint, SourceLanguage, StartCommand, TsconfigFacts } from './facts.js';
import type { RepoFiles } from './repo-files.js';
import { scriptTargetFile } from './start-script.js';

const CONVENTIONAL = ['src/server', 'src/index', 'src/main', 'src/app', 'server', 'index', 'main', 'app'];
const SOURCE_EXTS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

export interface EntrypointInput {
  files: RepoFiles;
  dir: string;
  packageType: 'module' | 'commonjs' | null;
  main: string | null;
  bin: string[];
  /** Start scripts, most telling first; the first one whose target file exists wins. */
  starts: StartCommand[];
  tsconfig: TsconfigFacts | null;
}

/** Conventional files are only taken for code that starts a server, not a browser bundle's main.js (even in a package that depends on express for its dev server). */
const SERVER_CODE = /\b(createServer|listen|NestFactory)\s*[(.]/;

export function findEntrypoint(input: EntrypointInput): NodeEntrypoint | null {
  const { files, dir } = input;
  const at = (p: string): string => posix.normalize(dir ? posix.join(dir, p) : p);
  const candidates: { path: string; via: NodeEntrypoint['via']; script: string | null }[] = [];
  for (const start of input.starts) {
    const target = start.resolved ? scriptTargetFile(start.resolved) : null;
    if (target) candidates.push({ path: at(target), via: 'script', script: start.script });
  }
  if (input.main) candidates.push({ path: at(input.main), via: 'main', script: null });
  for (const b of input.bin) candidates.push({ path: at(b), via: 'bin', script: null });
  for (const c of candidates) {
    const source = toSource(files, c.path, input.tsconfig);
    if (source) return describe(source, c.via, c.script, input.packageType);
  }
  for (const base of CONVENTIONAL) {
    for (const ext of SOURCE_EXTS) {
      const p = at(base + ext);
      if (files.has(p) && SERVER_CODE.test(files.read(p) ?? '')) return describe(p, 'convention', null, input.packageType);
    }
  }
  return null;
}

/** The source file behind a path: itself, its extensionless forms, or its TypeScript origin under rootDir. */
function toSource(files: RepoFiles, path: string, ts: TsconfigFacts | null): string | null {
  const ext = posix.extname(path);
  const stem = ext ? path.slice(0, -ext.length) : path;
  const tries: string[] = [];
  if (ts?.outDir && (path === ts.outDir || path.startsWith(`${ts.outDir}/`))) {
    const rel = posix.relative(ts.outDir, stem);
    const roots = ts.rootDir ? [ts.rootDir] : [posix.join(posix.dirname(ts.outDir), 'src'), posix.dirname(ts.outDir)];
    for (const r of roots) for (const e of JS_TO_TS[ext || '.js'] ?? ['.ts']) tries.push(posix.normalize(posix.join(r, rel + e)));
  }
  // A TS source next to where the JS is expected (ts-node/tsx scripts name the .ts directly).
  if (ext) tries.push(path);
  for (const e of [...(JS_TO_TS[ext] ?? []), ...SOURCE_EXTS]) tries.push(stem + e);
  if (!ext) for (const e of SOURCE_EXTS) tries.push(`${path}/index${e}`);
  return tries.find((t) => files.has(t) && SOURCE_EXTS.includes(posix.extname(t))) ?? null;
}

function describe(path: string, via: NodeEntrypoint['via'], script: string | null, packageType: EntrypointInput['packageType']): NodeEntrypoint {
  const ext = posix.extname(path);
  const language: SourceLanguage = ext.includes('ts') ? 'ts' : 'js';
  const moduleSystem: ModuleSystem = ext === '.mts' || ext === '.mjs' ? 'esm' : ext === '.cts' || ext === '.cjs' ? 'cjs' : packageType === 'module' ? 'esm' : 'cjs';
  return { path, language, moduleSystem, via, script };
}

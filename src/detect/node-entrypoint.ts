/**
 * Finds the file a Node app starts from and maps built output back to its source:
 * `node dist/server.js` with outDir dist and rootDir src means src/server.ts is what to edit.
 */
import { posix } from 'node:path';
import type { ModuleSystem, NodeEntrypoint, NodeProcess, SourceLanguage, StartCommand, TsconfigFacts } from './facts.js';
import { runClaims } from './node-process.js';
import type { RepoFiles } from './repo-files.js';

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
  scripts?: Record<string, string>;
}

/** Conventional files are only taken for code that starts a server, not a browser bundle's main.js (even in a package that depends on express for its dev server). */
const SERVER_CODE = /\b(createServer|createSecureServer|listen|NestFactory)\s*[(.]/;

export function findEntrypoint(input: EntrypointInput): NodeEntrypoint | null {
  return findProcessAndEntrypoint(input).entrypoint;
}

/**
 * The process that runs (first claim whose file exists, or a runner such as `next start`), and the
 * file to wire in it: the started file when it creates the server, else the local file it imports that does.
 */
export function findProcessAndEntrypoint(input: EntrypointInput): { process: NodeProcess | null; entrypoint: NodeEntrypoint | null } {
  const { files, dir } = input;
  const at = (p: string): string => posix.normalize(dir ? posix.join(dir, p) : p);
  const claims = runClaims({ files, dir, scripts: input.scripts ?? {}, main: input.main, bin: input.bin, starts: input.starts });
  for (const [i, c] of claims.entries()) {
    const target = c.target ?? (c.runner === 'nest-start' ? nestEntry(files, dir) : null);
    const source = target ? toSource(files, at(target), input.tsconfig) : null;
    if (!source && c.runner !== 'next-start') continue;
    const starts = source;
    const overruled = claims
      .filter((o, j) => j !== i && (o.target !== null || o.runner !== null))
      .map((o) => ({
        source: o.source,
        file: o.file,
        command: o.command,
        starts: o.target ? toSource(files, at(o.target), input.tsconfig) : null,
      }))
      .filter((o) => o.starts !== starts && (o.starts !== null || o.command !== c.command));
    const process: NodeProcess = { source: c.source, file: c.file, command: c.command, starts, runner: c.runner, overruled };
    if (!starts) return { process, entrypoint: null };
    const chain = serverChain(files, starts);
    const path = chain[chain.length - 1] ?? starts;
    const script = c.source === 'script' ? (/^([^:]+):/.exec(c.command)?.[1] ?? null) : null;
    return { process, entrypoint: describe(path, c.source, script, input.packageType, chain, loadedFiles(files, starts, chain)) };
  }
  for (const base of CONVENTIONAL) {
    for (const ext of SOURCE_EXTS) {
      const p = at(base + ext);
      if (files.has(p) && SERVER_CODE.test(files.read(p) ?? '')) {
        const process: NodeProcess = { source: 'convention', file: p, command: `node ${p}`, starts: p, runner: null, overruled: [] };
        return { process, entrypoint: describe(p, 'convention', null, input.packageType, [p], loadedFiles(files, p, [p])) };
      }
    }
  }
  return { process: null, entrypoint: null };
}

/** `nest start` runs `<sourceRoot>/<entryFile>` (nest-cli.json; defaults src/main) once built. */
function nestEntry(files: RepoFiles, dir: string): string {
  const text = files.read(dir ? posix.join(dir, 'nest-cli.json') : 'nest-cli.json') ?? '';
  const root = /"sourceRoot"\s*:\s*"([^"]+)"/.exec(text)?.[1] ?? 'src';
  const entry = /"entryFile"\s*:\s*"([^"]+)"/.exec(text)?.[1] ?? 'main';
  return posix.join(root, `${entry}.ts`);
}

const LOCAL_IMPORT = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;
const MAX_CHAIN = 4;

/**
 * From the started file to the one that creates the server: the started file itself when it does,
 * else (breadth first, a few levels) the first local module it imports that does.
 */
export function serverChain(files: RepoFiles, start: string): string[] {
  const queue: string[][] = [[start]];
  const seen = new Set([start]);
  while (queue.length > 0) {
    const chain = queue.shift() as string[];
    const file = chain[chain.length - 1] as string;
    const text = files.read(file) ?? '';
    if (SERVER_CODE.test(text)) return chain;
    if (chain.length >= MAX_CHAIN) continue;
    for (const m of text.matchAll(LOCAL_IMPORT)) {
      const spec = m[2] ?? '';
      const resolved = resolveLocal(files, posix.normalize(posix.join(posix.dirname(file), spec)));
      if (resolved && !seen.has(resolved)) {
        seen.add(resolved);
        queue.push([...chain, resolved]);
      }
    }
  }
  return [start];
}

const MAX_LOADED = 60;

/** Local files the started file loads, transitively (bounded), other than the chain itself. */
function loadedFiles(files: RepoFiles, start: string, chain: string[]): string[] {
  const seen = new Set([start]);
  const queue: { file: string; depth: number }[] = [{ file: start, depth: 0 }];
  while (queue.length > 0 && seen.size < MAX_LOADED) {
    const { file, depth } = queue.shift() as { file: string; depth: number };
    if (depth >= MAX_CHAIN) continue;
    for (const m of (files.read(file) ?? '').matchAll(LOCAL_IMPORT)) {
      const resolved = resolveLocal(files, posix.normalize(posix.join(posix.dirname(file), m[2] ?? '')));
      if (resolved && !seen.has(resolved)) {
        seen.add(resolved);
        queue.push({ file: resolved, depth: depth + 1 });
      }
    }
  }
  return [...seen].filter((f) => !chain.includes(f));
}

function resolveLocal(files: RepoFiles, base: string): string | null {
  const ext = posix.extname(base);
  const stem = ext ? base.slice(0, -ext.length) : base;
  const tries = [
    base,
    ...(JS_TO_TS[ext] ?? []).map((e) => stem + e),
    ...SOURCE_EXTS.map((e) => base + e),
    ...SOURCE_EXTS.map((e) => `${base}/index${e}`),
  ];
  return (
    tries.find(
      (t) => files.has(t) && (SOURCE_EXTS.includes(posix.extname(t)) || (posix.extname(t) === '' && isNodeScript(files.read(t) ?? ''))),
    ) ?? null
  );
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
  const found = tries.find((t) => files.has(t) && SOURCE_EXTS.includes(posix.extname(t)));
  if (found) return found;
  // An extensionless Node script (express-generator's bin/www): `#!/usr/bin/env node`.
  if (!ext && files.has(path) && isNodeScript(files.read(path) ?? '')) return path;
  return null;
}

function isNodeScript(text: string): boolean {
  return (
    /^#!.*\bnode\b/.test(text) ||
    /^\s*(?:(?:var|const|let)\s+[\w${}\s,:]+=\s*require\(|import\s|['"]use strict['"])/m.test(text.slice(0, 2000))
  );
}

function describe(
  path: string,
  via: NodeEntrypoint['via'],
  script: string | null,
  packageType: EntrypointInput['packageType'],
  chain: string[],
  loads: string[],
): NodeEntrypoint {
  const ext = posix.extname(path);
  const language: SourceLanguage = ext.includes('ts') ? 'ts' : 'js';
  const moduleSystem: ModuleSystem =
    ext === '.mts' || ext === '.mjs' ? 'esm' : ext === '.cts' || ext === '.cjs' ? 'cjs' : packageType === 'module' ? 'esm' : 'cjs';
  return { path, language, moduleSystem, via, script, chain, loads };
}

/** Node packages in the repo (root and nested, workspaces included) and what each one runs. */
import { posix } from 'node:path';
import type { NodeApp, NodeFramework, PackageManager, StartCommand } from './facts.js';
import type { RepoFiles } from './repo-files.js';
import { isRecord, parseJson, stringRecord } from './json.js';
import { detectTsconfig } from './tsconfig.js';
import { detectNodeTarget } from './node-version.js';
import { findProcessAndEntrypoint } from './node-entrypoint.js';
import { resolveStartScript } from './start-script.js';
import { detectDevServer } from './devserver.js';

const FRAMEWORKS: Record<string, NodeFramework> = {
  express: 'express',
  fastify: 'fastify',
  koa: 'koa',
  '@nestjs/core': 'nestjs',
  ws: 'ws',
  'socket.io': 'socket.io',
  next: 'next',
};

/** Scripts that start the app in production, most telling first. */
const START_SCRIPTS = ['start', 'start:prod', 'serve', 'prod'];

/** How deep below the root a package.json still counts as an app (deeper ones are usually vendored). */
const MAX_PACKAGE_DEPTH = 3;

export function detectNodeApps(files: RepoFiles): NodeApp[] {
  const manifests = files.list.filter((p) => posix.basename(p) === 'package.json' && p.split('/').length <= MAX_PACKAGE_DEPTH + 1);
  const apps: NodeApp[] = [];
  for (const manifest of manifests) {
    const app = readApp(files, manifest);
    if (app) apps.push(app);
  }
  return apps;
}

function readApp(files: RepoFiles, manifest: string): NodeApp | null {
  const text = files.read(manifest);
  if (text === null) return null;
  const pkg = parseJson(text, manifest);
  if (!isRecord(pkg)) return null;
  const dir = posix.dirname(manifest) === '.' ? '' : posix.dirname(manifest);
  const scripts = stringRecord(pkg['scripts']);
  const dependencies = [
    ...new Set(
      ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => Object.keys(stringRecord(pkg[k]))),
    ),
  ].sort();
  const frameworks = [...new Set(dependencies.map((d) => FRAMEWORKS[d]).filter((f): f is NodeFramework => f !== undefined))];
  const packageType = pkg['type'] === 'module' ? 'module' : pkg['type'] === 'commonjs' ? 'commonjs' : null;
  const tsconfig = detectTsconfig(files, dir);
  const starts = START_SCRIPTS.map((s) => resolveStartScript(scripts, s)).filter((s): s is StartCommand => s !== null);
  const start = starts[0] ?? null;
  const main = typeof pkg['main'] === 'string' ? pkg['main'] : null;
  const bin = typeof pkg['bin'] === 'string' ? [pkg['bin']] : Object.values(stringRecord(pkg['bin']));
  const { process, entrypoint } = findProcessAndEntrypoint({ files, dir, packageType, main, bin, starts, tsconfig, scripts });
  const entrySource = entrypoint ? (files.read(entrypoint.path) ?? '') : '';
  const serverCode = /\b(createServer|listen)\s*\(/.test(entrySource);
  const processManagers = (['pm2', 'nodemon', 'forever'] as const).filter((m) =>
    new RegExp(`(^|[\\s;&|])${m}\\b`).test([start?.raw ?? '', scripts['dev'] ?? ''].join(' ')),
  );
  return {
    kind: 'node',
    dir,
    name: typeof pkg['name'] === 'string' ? pkg['name'] : dir || posix.basename(files.root),
    packageType,
    scripts,
    dependencies,
    frameworks,
    tsconfig,
    nodeTarget: detectNodeTarget(files, dir, isRecord(pkg['engines']) ? pkg['engines']['node'] : undefined),
    entrypoint,
    process,
    start,
    devServer: detectDevServer(files, dir, scripts),
    processManagers,
    servesTraffic: frameworks.length > 0 || serverCode,
  };
}

/** Workspace package dirs declared by the root manifest or pnpm-workspace.yaml. */
export function detectWorkspaces(files: RepoFiles): string[] {
  const patterns: string[] = [];
  const root = files.read('package.json');
  if (root !== null) {
    try {
      const pkg = JSON.parse(root) as unknown;
      const ws = isRecord(pkg) ? pkg['workspaces'] : undefined;
      const list = Array.isArray(ws) ? ws : isRecord(ws) && Array.isArray(ws['packages']) ? ws['packages'] : [];
      for (const p of list) if (typeof p === 'string') patterns.push(p);
    } catch {
      // A malformed root manifest is reported by detectNodeApps with its file name.
    }
  }
  const pnpm = files.read('pnpm-workspace.yaml');
  if (pnpm !== null) for (const m of pnpm.matchAll(/^\s*-\s*['"]?([^'"#\n]+?)['"]?\s*$/gm)) if (m[1]) patterns.push(m[1]);
  const include = patterns.filter((p) => !p.startsWith('!')).map(globToRegExp);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
  return files.list
    .filter((p) => p.endsWith('/package.json'))
    .map((p) => posix.dirname(p))
    .filter((d) => include.some((r) => r.test(d)) && !exclude.some((r) => r.test(d)));
}

function globToRegExp(glob: string): RegExp {
  const clean = glob.replace(/^\.\//, '').replace(/\/$/, '');
  const body = clean
    .split('/')
    .map((seg) => (seg === '**' ? '.*' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')))
    .join('/');
  return new RegExp(`^${body}$`);
}

export function detectPackageManager(files: RepoFiles): PackageManager | null {
  const root = files.read('package.json');
  const field = root ? /"packageManager"\s*:\s*"(npm|pnpm|yarn|bun)@/.exec(root)?.[1] : undefined;
  if (field) return field as PackageManager;
  if (files.has('pnpm-lock.yaml')) return 'pnpm';
  if (files.has('yarn.lock')) return 'yarn';
  if (files.has('bun.lockb') || files.has('bun.lock')) return 'bun';
  if (files.has('package-lock.json') || root !== null) return 'npm';
  return null;
}

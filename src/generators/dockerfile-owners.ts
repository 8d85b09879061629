/**
 * Which Dockerfiles belong to which app, and what a Dockerfile patch needs to know about the app:
 * shared by the docker, compose and k8s parts (each asks about every app's Dockerfiles).
 */
import { posix } from 'node:path';
import type { App, Facts, NodeApp, PythonApp } from '../detect/facts.js';
import type { DockerfilePatchOptions } from '../edits/dockerfile/patch.js';
import { resolveScript } from '../detect/npm-script.js';
import type { Runtime } from '../detect/container-runtime.js';
import { finalStageCommand } from '../detect/dockerfile-facts.js';
import { scriptTargetFile } from '../detect/start-script.js';
import { planWiring } from './node-wiring.js';
import { shutdownCodeIn } from '../edits/node-entrypoint/wire.js';
import type { GeneratorContext } from './types.js';

/** Dev-server CLIs a Dockerfile can run with node directly (so the signal reaches node, not npm). */
export const NODE_BINS: Record<string, string> = {
  vite: 'node_modules/vite/bin/vite.js',
  'webpack-dev-server': 'node_modules/webpack-dev-server/bin/webpack-dev-server.js',
  webpack: 'node_modules/webpack/bin/webpack.js',
};

/**
 * The Dockerfiles that belong to an app: those in its directory or below it, but not in the
 * directory of another app nested deeper; and one higher up whose final stage runs a file of the app
 * (a workspace root's Dockerfile with `CMD node packages/api/dist/index.js` is the API's image: it is
 * patched, and no second Dockerfile is created beside the API).
 */
export function appDockerfiles(facts: Facts, app: App, read?: (path: string) => string | null): string[] {
  return facts.container.dockerfiles.filter((p) => dockerfileOwner(facts, p, read ? read(p) : undefined) === app.dir);
}

/**
 * Owners found so far, per list of apps (what an owner is chosen from), by Dockerfile path and the text
 * they were found in: every app asks about every Dockerfile, and the answer only changes with the text.
 */
const owners = new WeakMap<readonly App[], Map<string, { text: string | null | undefined; owner: string | null }>>();

/** The app dir a Dockerfile belongs to; `text` undefined: by its place alone. */
function dockerfileOwner(facts: Facts, path: string, text: string | null | undefined): string | null {
  let known = owners.get(facts.apps);
  if (known === undefined) owners.set(facts.apps, (known = new Map()));
  const hit = known.get(path);
  if (hit !== undefined && hit.text === text) return hit.owner;
  const dirs = facts.apps.map((a) => a.dir);
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  const runs = text === undefined ? null : appRunBy(text, dir, dirs);
  const candidates = dirs.filter((d) => d === '' || dir === d || dir.startsWith(`${d}/`));
  const owner = runs ?? candidates.sort((a, b) => b.length - a.length)[0] ?? null;
  known.set(path, { text, owner });
  return owner;
}

/** The app dir, deeper than the Dockerfile's own, holding the file its final stage runs (the build context is the Dockerfile's dir). */
function appRunBy(text: string | null, dockerDir: string, appDirs: readonly string[]): string | null {
  if (text === null) return null;
  const command = finalStageCommand(text);
  if (command === null) return null;
  const words =
    command.words[0] === 'sh' && command.words[1] === '-c'
      ? (command.words[2] ?? '')
      : command.words.map((w) => (/\s/.test(w) ? JSON.stringify(w) : w)).join(' ');
  let target = scriptTargetFile(words.replace(/^(\S*\/)?(tini|dumb-init)\s+(-\S+\s+)*(--\s+)?/, ''));
  if (target === null) return null;
  if (target.startsWith('/')) {
    if (!command.workdir) return null;
    target = posix.relative(command.workdir, target);
    if (target.startsWith('..')) return null;
  }
  const file = posix.normalize(posix.join(dockerDir, target));
  const deeper = appDirs.filter(
    (d) => d.length > dockerDir.length && (dockerDir === '' || d.startsWith(`${dockerDir}/`)) && file.startsWith(`${d}/`),
  );
  return deeper.sort((a, b) => b.length - a.length)[0] ?? null;
}

/** What the patch needs to know about the app (with ctx: whether its process keeps a stop of its own). */
export function patchOptionsFor(app: App, ctx?: GeneratorContext): DockerfilePatchOptions {
  if (app.kind === 'node') {
    const own = ctx ? ownStopOf(ctx, app) : null;
    return { runtime: 'node', scripts: devServerScriptViaNode(app), ...(own !== null ? { ownStop: own } : {}) };
  }
  return { runtime: pythonRuntime(app) };
}

/**
 * Shutdown code in the files the app's process runs (entry, the files leading to it, the local files it
 * loads) that this run leaves in place (the entrypoint is not wired): why it is the process's own stop, or null.
 */
function ownStopOf(ctx: GeneratorContext, app: NodeApp): string | null {
  const entry = app.entrypoint;
  if (!entry) return null;
  // Wired already (a re-run: known from the text, without ts-morph), or wired by this run: the stop is the module's.
  const wiring = planWiring(ctx, app).kind;
  if (wiring === 'done' || (ctx.answers.parts.includes('entrypoint') && wiring === 'edit')) return null;
  for (const file of [...new Set([...(entry.chain ?? []), entry.path, ...(entry.loads ?? [])])]) {
    const text = ctx.current(file);
    const found = text === null ? [] : shutdownCodeIn(text, file);
    if (found.length > 0) return `${file} handles shutdown itself (line ${found[0]!.line}: \`${found[0]!.text}\`) and is left as it is`;
  }
  return null;
}

function pythonRuntime(app: PythonApp): Runtime {
  if (app.server === 'uvicorn' || app.server === 'fastapi-cli') return 'python-uvicorn';
  if (app.server === 'gunicorn') return 'python-gunicorn';
  return 'python';
}

function devServerScriptViaNode(app: NodeApp): Record<string, string> {
  const script = app.devServer?.script;
  if (!script) return app.scripts;
  const resolved = resolveScript(app.scripts, script);
  if (!resolved.ok) return app.scripts;
  const bin = /^node_modules\/\.bin\/(.+)$/.exec(resolved.words[0]!)?.[1];
  const path = bin === undefined ? undefined : NODE_BINS[bin];
  if (path === undefined || !resolved.words.every((w) => /^[\w./@:=,+-]+$/.test(w))) return app.scripts;
  const last = resolved.chain[resolved.chain.length - 1]!;
  return { ...app.scripts, [last]: ['node', path, ...resolved.words.slice(1)].join(' ') };
}

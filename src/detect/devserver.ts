/**
 * Which frontend dev server a package runs, and from which script: Vite (vite.config.* or a `vite`
 * script), webpack-dev-server (`webpack serve`, `webpack-dev-server`) or a custom server file that
 * mounts Vite in middleware mode or webpack-dev-middleware (dev-server.js, server.dev.js...).
 */
import { posix } from 'node:path';
import type { DevServerFacts } from './facts.js';
import type { RepoFiles } from './repo-files.js';

/** Scripts a developer runs for the dev server, most telling first. */
const DEV_SCRIPTS = ['dev', 'start', 'serve', 'develop', 'start:dev', 'dev:server'];

const CONFIG_EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'];
const SOURCE_EXTENSIONS = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'];

/** Names a hand-written dev server file usually has, without extension. */
const CUSTOM_SERVER_NAMES = ['dev-server', 'devServer', 'server.dev', 'dev.server', 'server/dev', 'scripts/dev-server', 'scripts/dev'];

/** Runners that start a script file: `node x.js`, `tsx x.ts`, `nodemon x.js`... */
const RUNNER =
  /(?:^|[\s;&|(])(?:node|tsx|ts-node|ts-node-esm|nodemon|bun|vite-node)\s+(?:watch\s+)?(?:(?:--?[\w-]+(?:[= ][^\s-][^\s]*)?)\s+)*([\w./@-]+\.(?:[cm]?[jt]s))(?=\s|$|;|&)/;

const VITE_SCRIPT = /(?:^|[\s;&|(]|\/)vite(?:\s+(?:dev|serve))?(?=\s|$|;|&)(?!\s+(?:build|preview|optimize))/;
const WDS_SCRIPT = /(?:^|[\s;&|(]|\/)(?:webpack(?:-cli)?\s+(?:serve|s|server)|webpack-dev-server)(?=\s|$|;|&)/;

/** Code that embeds a dev server in a custom HTTP server. */
const EMBEDS_DEV_SERVER = /middlewareMode|webpack-dev-middleware|webpack-hot-middleware|from\s+['"]vite['"]|require\(\s*['"]vite['"]\s*\)/;

export function detectDevServer(files: RepoFiles, pkgDir: string, scripts: Record<string, string>): DevServerFacts | null {
  const at = (p: string): string => (pkgDir === '' ? p : posix.join(pkgDir, p));
  const firstExisting = (stem: string, exts: readonly string[]): string | null =>
    exts.map((e) => at(`${stem}.${e}`)).find((p) => files.has(p)) ?? null;

  const viteConfig = firstExisting('vite.config', CONFIG_EXTENSIONS);
  const webpackConfig = firstExisting('webpack.config', CONFIG_EXTENSIONS) ?? firstExisting('webpack.dev', CONFIG_EXTENSIONS);
  const candidates = DEV_SCRIPTS.filter((s) => typeof scripts[s] === 'string').map((s) => ({ script: s, command: scripts[s] as string }));

  // A script that runs a file embedding Vite or webpack-dev-middleware: the custom server owns the process.
  for (const { script, command } of candidates) {
    const file = RUNNER.exec(command)?.[1];
    if (!file) continue;
    const path = at(posix.normalize(file));
    const source = files.read(path) ?? files.read(sourceFor(path, files) ?? '');
    if (source !== null && EMBEDS_DEV_SERVER.test(source)) {
      return { tool: 'custom', file: files.has(path) ? path : sourceFor(path, files), script, command };
    }
  }
  for (const { script, command } of candidates) {
    if (VITE_SCRIPT.test(command)) return { tool: 'vite', file: viteConfig, script, command };
    if (WDS_SCRIPT.test(command)) return { tool: 'webpack-dev-server', file: webpackConfig, script, command };
  }
  // A conventional custom dev-server file, even when no script names it.
  for (const stem of CUSTOM_SERVER_NAMES) {
    const path = firstExisting(stem, SOURCE_EXTENSIONS);
    if (path !== null && EMBEDS_DEV_SERVER.test(files.read(path) ?? '')) {
      const owner = candidates.find((c) => c.command.includes(posix.basename(path)));
      return { tool: 'custom', file: path, script: owner?.script ?? null, command: owner?.command ?? null };
    }
  }
  if (viteConfig !== null) return { tool: 'vite', file: viteConfig, script: null, command: null };
  return null;
}

/** `dist/dev-server.js` run from a build: the TypeScript source beside it or under src/, if listed. */
function sourceFor(path: string, files: RepoFiles): string | null {
  const stem = path.replace(/\.[cm]?[jt]s$/, '');
  const guesses = [stem, stem.replace(/(^|\/)dist\//, '$1src/'), stem.replace(/(^|\/)build\//, '$1src/')];
  for (const g of guesses) {
    for (const ext of ['ts', 'mts', 'cts']) if (files.has(`${g}.${ext}`)) return `${g}.${ext}`;
  }
  return null;
}

// The three dev servers measured, and how each is prepared "with the module": the Vite app through
// our own vite.config edit (the generator's output), the others through the wiring a user adds by
// hand (the `with-module/` overlay of each app).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = join(HERE, '..', '..', '..');
const APPS = join(HERE, '..', 'apps');

export const TOOLS = [
  {
    name: 'vite',
    app: 'vite',
    // What `npm run dev` ends up running: scripts.dev is `vite`, i.e. node_modules/.bin/vite.
    command: ['node', 'node_modules/vite/bin/vite.js'],
    hmr: { path: '/', protocol: 'vite-hmr' },
    appSocket: null,
    module: { file: 'devserver-shutdown.js', esm: true },
  },
  {
    name: 'webpack-dev-server',
    app: 'webpack-dev-server',
    command: ['node', 'dev-server.cjs'],
    hmr: { path: '/ws', protocol: null },
    appSocket: null,
    module: { file: 'devserver-shutdown.cjs', esm: false },
  },
  {
    name: 'express + Vite middleware + ws',
    app: 'custom',
    command: ['node', 'server.dev.js'],
    hmr: { path: '/', protocol: 'vite-hmr' },
    appSocket: '/live',
    module: { file: 'devserver-shutdown.js', esm: true },
  },
];

/**
 * node_modules of the temp app: one symlink per package of the repo's node_modules, so Vite's cache
 * (node_modules/.vite) stays inside the temp dir instead of being shared between runs.
 */
function linkNodeModules(dir) {
  const target = join(dir, 'node_modules');
  mkdirSync(target);
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry === '.vite' || entry === '.cache') continue;
    symlinkSync(join(REPO, 'node_modules', entry), join(target, entry));
  }
}

/** A fresh copy of the tool's app in a temp dir, with or without the generated module wired in. */
export async function prepareApp(tool, withModule) {
  const dir = mkdtempSync(join(tmpdir(), `devserver-bench-${tool.app}-`));
  cpSync(join(APPS, tool.app), dir, { recursive: true, filter: (src) => !src.includes(`${tool.app}/with-module`) });
  linkNodeModules(dir);
  if (!withModule) return dir;

  const { renderDevServerModule } = await importBuilt('generators/devserver.js');
  const source = renderDevServerModule(tool.module.esm ? 'js-esm' : 'js-cjs', 8000);
  writeFileSync(join(dir, tool.module.file), source);
  if (tool.app === 'vite') {
    const { addGracefulShutdownPlugin } = await importBuilt('edits/vite-config.js');
    const file = 'vite.config.js';
    const edit = addGracefulShutdownPlugin({ file, importPath: './devserver-shutdown.js', moduleSystem: 'esm' });
    const edited = edit(readFileSync(join(dir, file), 'utf8'));
    if (edited === false) throw new Error('vite.config edit made no change');
    writeFileSync(join(dir, file), edited);
  } else {
    cpSync(join(APPS, tool.app, 'with-module'), dir, { recursive: true });
  }
  return dir;
}

async function importBuilt(path) {
  const file = join(REPO, 'dist', path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  return import(file);
}

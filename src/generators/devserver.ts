/**
 * The dev-server part. What it generates follows the measurement in bench/devserver (README table):
 *
 * - Vite CLI: already exits in ~0.1 s as PID 1 (it handles SIGTERM itself) but cuts HMR sockets (1006)
 *   and exits 143. The module's Vite plugin closes them with 1001, drains keep-alive and in-flight
 *   requests, exits 0 and lets a second signal exit at once.
 * - webpack-dev-server: handles SIGTERM itself (setupExitSignals, on by default) and exits in ~0.1 s;
 *   its client reconnects on any close code. Nothing to generate unless the config switched that off.
 * - A custom server embedding Vite (middleware mode) or webpack-dev-middleware has no handler at all:
 *   as PID 1 without an init it ignores SIGTERM until docker kills it at 10 s. The module fixes that;
 *   the file is wired with the entrypoint edit (the module exports the same names as the app module),
 *   plus Vite's HMR WebSocket server.
 */
import { posix } from 'node:path';
import type { DevServerFacts, NodeApp } from '../detect/facts.js';
import { addGracefulShutdownPlugin as addGracefulShutdownPluginFresh } from '../edits/vite-config.js';
import { wireNodeEntrypoint as wireNodeEntrypointFresh, type WireOptions } from '../edits/node-entrypoint/wire.js';
import { BUILT_IN_TEMPLATES, type Templates } from '../core/render.js';
import { FLAVOUR_NAMES, buildModule, type ModuleFlavour } from './module-source.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';
import { DEVSERVER_MODULE_STEM } from './devserver-files.js';
import { memoizedEdit } from './edit-memo.js';
import { editActions, notesOf, planEditOf } from './edit-actions.js';

const wireNodeEntrypoint = memoizedEdit(wireNodeEntrypointFresh);
const addGracefulShutdownPlugin = memoizedEdit(addGracefulShutdownPluginFresh);

/** The header rendered with the answers; the code is src/runtime/devserver.ts (its drain is the app module's). */
export const DEVSERVER_HEADER = 'devserver/devserver-header.hbs';
/** Name of the dev-server module beside the file that imports it (the docker part copies it into images). */
const MODULE_STEM = DEVSERVER_MODULE_STEM;

interface ModuleVariant {
  ts: boolean;
  esm: boolean;
  /** File extension of the generated module. */
  ext: string;
}

/** The module's flavour for a file that will import it: same language, same module system. */
export function moduleVariantFor(file: string, esmSyntax: boolean, packageType: NodeApp['packageType']): ModuleVariant {
  const ext = posix.extname(file);
  if (ext === '.ts' || ext === '.tsx') return { ts: true, esm: true, ext: 'ts' };
  if (ext === '.mts') return { ts: true, esm: true, ext: 'mts' };
  if (ext === '.cts') return { ts: true, esm: false, ext: 'cts' };
  if (ext === '.mjs') return { ts: false, esm: true, ext: 'mjs' };
  if (ext === '.cjs') return { ts: false, esm: false, ext: 'cjs' };
  const moduleType = packageType === 'module';
  if (esmSyntax) return { ts: false, esm: true, ext: moduleType ? 'js' : 'mjs' };
  return { ts: false, esm: false, ext: moduleType ? 'cjs' : 'js' };
}

/** The specifier a file next to the module uses: `.js` for `.ts` (bundlers and NodeNext both map it). */
export function importSpecifier(variant: ModuleVariant): string {
  const ext = variant.ext === 'ts' ? 'js' : variant.ext === 'mts' ? 'mjs' : variant.ext === 'cts' ? 'cjs' : variant.ext;
  return `./${MODULE_STEM}.${ext}`;
}

function usesEsmSyntax(source: string): boolean {
  return /^\s*(?:import\s|export\s)/m.test(source) || !/\bmodule\.exports\b|\brequire\s*\(/.test(source);
}

/** The module flavour of a variant; a CommonJS TypeScript file under verbatimModuleSyntax/erasableSyntaxOnly needs its own. */
export function devServerFlavour(variant: Pick<ModuleVariant, 'ts' | 'esm'>, tsconfig: NodeApp['tsconfig'] = null): ModuleFlavour {
  if (!variant.ts) return variant.esm ? 'js-esm' : 'js-cjs';
  if (variant.esm) return 'ts';
  if (tsconfig?.erasableSyntaxOnly) return 'ts-require';
  return tsconfig?.verbatimModuleSyntax ? 'ts-export-assign' : 'ts';
}

/** The dev-server module's text. */
export function renderDevServerModule(flavour: ModuleFlavour, timeoutMs: number, templates: Templates = BUILT_IN_TEMPLATES): string {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2_147_483_647) throw new Error(`timeout out of range: ${timeoutMs}`);
  const header = templates.render(DEVSERVER_HEADER, { timeoutMs, flavour: FLAVOUR_NAMES[flavour] });
  return buildModule({ header, entry: 'devserver.ts', answers: './devserver-answers.js' }, flavour);
}

function moduleAction(dir: string, variant: ModuleVariant, ctx: GeneratorContext): PlanAction {
  const tsconfig = ctx.app.kind === 'node' ? ctx.app.tsconfig : null;
  return {
    type: 'plan-write',
    path: posix.join(dir, `${MODULE_STEM}.${variant.ext}`),
    content: renderDevServerModule(devServerFlavour(variant, tsconfig), ctx.answers.timeoutMs, ctx.templates),
    reason: 'dev-server shutdown module',
  };
}

function viteActions(app: NodeApp, dev: DevServerFacts, ctx: GeneratorContext): PlanAction[] {
  const why =
    'Vite already stops on SIGTERM as PID 1 (~0.1 s measured), but cuts HMR sockets (close code 1006) and exits 143; ' +
    'the gracefulShutdown() plugin closes them with 1001, drains open requests, exits 0 and makes a second signal exit at once.';
  if (dev.file === null) {
    const variant = moduleVariantFor('vite.config.js', true, app.packageType);
    const config = posix.join(app.dir, variant.esm && variant.ext === 'mjs' ? 'vite.config.mjs' : 'vite.config.js');
    const content =
      `import { defineConfig } from 'vite';\nimport { gracefulShutdown } from '${importSpecifier(variant)}';\n\n` +
      `export default defineConfig({\n  plugins: [gracefulShutdown()],\n});\n`;
    return [
      moduleAction(app.dir, variant, ctx),
      { type: 'plan-write', path: config, content, reason: 'add the graceful-shutdown Vite plugin' },
      { type: 'plan-note', level: 'info', message: why, file: config },
    ];
  }
  const source = ctx.current(dev.file) ?? '';
  const variant = moduleVariantFor(dev.file, usesEsmSyntax(source), app.packageType);
  const options = { file: dev.file, importPath: importSpecifier(variant), moduleSystem: variant.esm ? 'esm' : 'cjs' } as const;
  const result = addGracefulShutdownPlugin(source, options);
  const dir = posix.dirname(dev.file) === '.' ? '' : posix.dirname(dev.file);
  if (result.refused) {
    return [
      moduleAction(dir, variant, ctx),
      { type: 'plan-note', level: 'warn', message: `${dev.file}: ${result.refused.reason}`, file: dev.file },
    ];
  }
  const edit = (s: string) => addGracefulShutdownPlugin(s, options);
  return [
    moduleAction(dir, variant, ctx),
    ...editActions({ path: dev.file, result, edit, reason: 'add the graceful-shutdown Vite plugin', evenUnchanged: true }),
    { type: 'plan-note', level: 'info', message: why, file: dev.file },
  ];
}

function webpackActions(dev: DevServerFacts, ctx: GeneratorContext): PlanAction[] {
  const config = dev.file ? (ctx.current(dev.file) ?? '') : '';
  if (/setupExitSignals\s*:\s*false/.test(config)) {
    return [
      {
        type: 'plan-note',
        level: 'warn',
        message:
          'webpack-dev-server runs with `setupExitSignals: false`: as PID 1 without an init it then ignores SIGTERM until ' +
          'docker kills it (10 s). Remove that option, or register the dev server with a shutdown module.',
        ...(dev.file ? { file: dev.file } : {}),
      },
    ];
  }
  return [
    {
      type: 'plan-note',
      level: 'info',
      message:
        'webpack-dev-server: nothing generated. It handles SIGTERM/SIGINT itself (setupExitSignals) and stopped in ~0.1 s ' +
        'as PID 1 in our measurement; its HMR client reconnects whatever the close code.',
      ...(dev.file ? { file: dev.file } : {}),
    },
  ];
}

function customActions(app: NodeApp, dev: DevServerFacts, ctx: GeneratorContext): PlanAction[] {
  if (dev.file === null) return [];
  const file = dev.file;
  const source = ctx.current(file) ?? '';
  const variant = moduleVariantFor(file, usesEsmSyntax(source), app.packageType);
  const dir = posix.dirname(file) === '.' ? '' : posix.dirname(file);
  const why =
    'embeds a dev server but handles no signal: as PID 1 without an init it ignored SIGTERM until killed ' +
    'at 10 s in our measurement; wired to the module it stops in ~0.1 s and closes HMR and app sockets with 1001.';
  // The same file is the app's entrypoint: the entrypoint part wires it to the app module, which handles signals too.
  if (app.entrypoint?.path === file)
    return [{ type: 'plan-note', level: 'info', message: "also the app's entrypoint: wired by the entrypoint part", file }];
  const options: WireOptions = {
    fileName: file,
    moduleSystem: variant.esm ? 'esm' : 'cjs',
    specifier: importSpecifier(variant),
    frameworks: app.frameworks,
    viteWebSocket: true,
  };
  const result = wireNodeEntrypoint(source, options);
  if (result.refused) {
    const r = result.refused;
    const message = [`${file}:${r.line}: ${r.reason}.`, 'Add by hand:', ...(r.manual ?? []).map((m) => `  ${m}`)].join('\n');
    return [moduleAction(dir, variant, ctx), { type: 'plan-note', level: 'warn', message: `${why}\n${message}`, file }];
  }
  // Already wired (a second run): keep the module current, say nothing more.
  if (result.text === false) return [moduleAction(dir, variant, ctx)];
  const edit = (current: string) => wireNodeEntrypoint(current, options);
  return [
    moduleAction(dir, variant, ctx),
    ...planEditOf({ path: file, result, edit, reason: 'wire the dev-server shutdown module: signal handlers, servers, Vite HMR sockets' }),
    { type: 'plan-note', level: 'info', message: why, file },
    ...notesOf(file, result),
  ];
}

export const devServerGenerator: ArtifactGenerator = {
  name: 'devserver',
  part: 'devserver',
  description: 'Dev server: HMR clients closed with 1001, a dev server that stops at once in a container',
  appliesTo: (ctx) => ctx.app.kind === 'node' && ctx.app.devServer !== null,
  actions(ctx) {
    const app = ctx.app;
    if (app.kind !== 'node' || app.devServer === null) return [];
    const dev = app.devServer;
    if (dev.tool === 'vite') return viteActions(app, dev, ctx);
    if (dev.tool === 'webpack-dev-server') return webpackActions(dev, ctx);
    return customActions(app, dev, ctx);
  },
};

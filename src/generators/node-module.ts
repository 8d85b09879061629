/**
 * The Node shutdown registry: one file written beside the app's entrypoint, in the flavour that compiles
 * and runs under the app's own setup. Its source is src/runtime/shutdown.ts; the answers enter through the
 * rendered header templates/node/shutdown-header.hbs (see ./module-source.ts).
 */
import { posix } from 'node:path';
import type { Answers } from '../answers.js';
import { UserError } from '../core/errors.js';
import { renderTemplate } from '../core/render.js';
import type { NodeApp } from '../detect/facts.js';
import { FLAVOUR_IMPORTS, FLAVOUR_NAMES, buildModule, type ModuleFlavour } from './module-source.js';
import type { ArtifactGenerator, PlanAction } from './types.js';
import { moduleWouldBeUnused } from './node-entrypoint.js';

export const NODE_MODULE_HEADER = 'node/shutdown-header.hbs';
export const NODE_MODULE_SOURCE = 'shutdown.ts';

/** The oldest Node major the generated module runs on (tested on 18.0, 18.5, 18.20 and every later major). */
export const NODE_FLOOR = 18;

/** What the module is rendered with. */
export interface NodeModuleVariant {
  flavour: ModuleFlavour;
  timeoutMs: number;
  shutdownDelayMs: number;
  exitMode: 'zero' | 'signal';
}

/** Longest delay a Node timer accepts; a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

/** Entrypoint extension → extension of the generated module (same language and module family). */
const EXTENSIONS: Record<string, string> = {
  '.ts': '.ts',
  '.tsx': '.ts',
  '.mts': '.mts',
  '.cts': '.cts',
  '.js': '.js',
  '.jsx': '.js',
  '.mjs': '.mjs',
  '.cjs': '.cjs',
};

/** Repo-relative path of the generated module: `shutdown.<ext>` beside the entrypoint. */
export function nodeModuleFile(app: NodeApp): string {
  if (!app.entrypoint) throw new UserError('no entrypoint found for the shutdown module', { file: app.dir || '.' });
  const entry = app.entrypoint.path;
  const ext = EXTENSIONS[posix.extname(entry)] ?? (app.entrypoint.language === 'ts' ? '.ts' : '.js');
  return posix.join(posix.dirname(entry), `shutdown${ext}`);
}

/** True when the start command runs a TypeScript file with node itself (type stripping, no build). */
function runByTypeStripping(app: NodeApp): boolean {
  const command = app.start?.resolved ?? app.start?.raw ?? '';
  return /(^|[\s;&|])node\s+(?:--[\w-]+(?:=\S+)?\s+)*\S+\.[cm]?ts\b/.test(command);
}

/**
 * The flavour that compiles where the app is: JavaScript for JavaScript entrypoints; for TypeScript, ES
 * module syntax unless a CommonJS file must not use it (verbatimModuleSyntax: `export =`; erasableSyntaxOnly
 * or Node's type stripping: `module.exports`).
 */
export function nodeModuleFlavour(app: NodeApp): ModuleFlavour {
  if (!app.entrypoint) throw new UserError('no entrypoint found for the shutdown module', { file: app.dir || '.' });
  const { language, moduleSystem } = app.entrypoint;
  if (language !== 'ts') return moduleSystem === 'esm' ? 'js-esm' : 'js-cjs';
  if (moduleSystem === 'esm') return 'ts';
  if (app.tsconfig?.erasableSyntaxOnly || runByTypeStripping(app)) return 'ts-require';
  if (app.tsconfig?.verbatimModuleSyntax) return 'ts-export-assign';
  return 'ts';
}

/** How the entrypoint loads the module of that flavour (the wiring writes it so). */
export function nodeModuleImportForm(app: NodeApp): 'import' | 'import-require' | 'require' {
  const flavour = nodeModuleFlavour(app);
  return flavour === 'ts-export-assign' ? 'import-require' : flavour === 'ts-require' ? 'require' : 'import';
}

/** Why the module cannot be written for this app (it targets a Node older than the floor), or null. */
export function nodeFloorProblem(app: NodeApp): string | null {
  const target = app.nodeTarget;
  if (!target || target.major >= NODE_FLOOR) return null;
  return (
    `${target.file} says this app runs on Node ${target.major} (${target.source}); the generated shutdown module needs ` +
    `Node >= ${NODE_FLOOR} (AbortController, DOMException), so it was not written and the entrypoint was not wired. ` +
    `Move the app to Node ${NODE_FLOOR} or later (update ${target.file}), then run create-graceful-shutdown again.`
  );
}

/** The variant an app gets: from its entrypoint, tsconfig and the answers. Throws UserError on values unfit for code. */
export function nodeModuleVariant(app: NodeApp, answers: Pick<Answers, 'timeoutMs' | 'shutdownDelayMs' | 'exitMode'>): NodeModuleVariant {
  return validateVariant({
    flavour: nodeModuleFlavour(app),
    timeoutMs: answers.timeoutMs,
    shutdownDelayMs: answers.shutdownDelayMs,
    exitMode: answers.exitMode,
  });
}

/** Checks every value that reaches the generated code; they are printed as literals. */
export function validateVariant(v: NodeModuleVariant): NodeModuleVariant {
  if (!Number.isInteger(v.timeoutMs) || v.timeoutMs < 1 || v.timeoutMs > MAX_TIMER_MS) {
    throw new UserError(`timeout must be a whole number of milliseconds between 1 and ${MAX_TIMER_MS}, got ${String(v.timeoutMs)}`);
  }
  if (!Number.isInteger(v.shutdownDelayMs) || v.shutdownDelayMs < 0 || v.shutdownDelayMs >= v.timeoutMs) {
    throw new UserError(
      `shutdown delay must be a whole number of milliseconds from 0 to below the timeout (${v.timeoutMs}), got ${String(v.shutdownDelayMs)}`,
    );
  }
  if (v.exitMode !== 'zero' && v.exitMode !== 'signal') {
    throw new UserError(`exit mode must be 'zero' or 'signal', got ${JSON.stringify(v.exitMode)}`);
  }
  if (!(v.flavour in FLAVOUR_NAMES)) throw new UserError(`unknown module flavour ${JSON.stringify(v.flavour)}`);
  return { flavour: v.flavour, timeoutMs: v.timeoutMs, shutdownDelayMs: v.shutdownDelayMs, exitMode: v.exitMode };
}

const rendered = new Map<string, string>();

/** The generated module's text for one variant. */
export function renderNodeModule(variant: NodeModuleVariant): string {
  const v = validateVariant(variant);
  const header = renderTemplate(NODE_MODULE_HEADER, { ...v, flavour: FLAVOUR_NAMES[v.flavour], usage: FLAVOUR_IMPORTS[v.flavour] });
  // Keyed by the rendered header too: a templates override (CGS_TEMPLATES_DIR) changes it.
  const key = `${v.flavour}\n${header}`;
  let text = rendered.get(key);
  if (text === undefined) {
    text = buildModule({ header, entry: NODE_MODULE_SOURCE, answers: './shutdown-answers.js' }, v.flavour);
    rendered.set(key, text);
  }
  return text;
}

export const nodeModuleGenerator: ArtifactGenerator = {
  name: 'node-module',
  part: 'module',
  description: 'shutdown registry beside the entrypoint (setupSignalHandlers, registerHttpServer, ...)',
  // Written only where it will be used: when the entrypoint part is asked for and cannot wire it in,
  // the module would be an unused file (its note says so); `--only module` writes it regardless.
  // Below the Node floor it always applies: it writes nothing then, only the note naming the app's Node version.
  appliesTo: (ctx) => ctx.app.kind === 'node' && ctx.app.entrypoint !== null &&
    (nodeFloorProblem(ctx.app) !== null || !ctx.answers.parts.includes('entrypoint') || !moduleWouldBeUnused(ctx)),
  actions: ({ app, answers }): PlanAction[] => {
    if (app.kind !== 'node') return [];
    const problem = nodeFloorProblem(app);
    if (problem) return [{ type: 'plan-note', level: 'warn', message: problem, file: app.nodeTarget?.file }];
    const variant = nodeModuleVariant(app, answers);
    return [{ type: 'plan-write', path: nodeModuleFile(app), content: renderNodeModule(variant), reason: 'shutdown registry' }];
  },
};

/**
 * Where the generated Node module goes and in which flavour: from the entrypoint's extension, module
 * system and tsconfig. Shared by the module and entrypoint parts (and the container part, which copies it).
 */
import { posix } from 'node:path';
import { UserError } from '../core/errors.js';
import type { NodeApp } from '../detect/facts.js';
import type { ModuleFlavour } from './module-source.js';

/** The oldest Node major the generated module runs on (tested on 18.0, 18.5, 18.20 and every later major). */
export const NODE_FLOOR = 18;

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

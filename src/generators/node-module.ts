/**
 * The Node shutdown registry: one file written beside the app's entrypoint, in the entrypoint's language
 * and module system, rendered from templates/node/shutdown.hbs.
 */
import { posix } from 'node:path';
import type { Answers } from '../answers.js';
import { UserError } from '../core/errors.js';
import { renderTemplate } from '../core/render.js';
import type { NodeApp } from '../detect/facts.js';
import type { ArtifactGenerator } from './types.js';
import { moduleWouldBeUnused } from './node-entrypoint.js';

export const NODE_MODULE_TEMPLATE = 'node/shutdown.hbs';

/** The data templates/node/shutdown.hbs is rendered with. */
export interface NodeModuleVariant {
  ts: boolean;
  esm: boolean;
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

/** The variant an app gets: from its entrypoint and the answers. Throws UserError on values unfit for code. */
export function nodeModuleVariant(app: NodeApp, answers: Pick<Answers, 'timeoutMs' | 'shutdownDelayMs' | 'exitMode'>): NodeModuleVariant {
  if (!app.entrypoint) throw new UserError('no entrypoint found for the shutdown module', { file: app.dir || '.' });
  return validateVariant({
    ts: app.entrypoint.language === 'ts',
    esm: app.entrypoint.moduleSystem === 'esm',
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
  return { ts: v.ts === true, esm: v.esm === true, timeoutMs: v.timeoutMs, shutdownDelayMs: v.shutdownDelayMs, exitMode: v.exitMode };
}

/** The generated module's text for one variant. */
export function renderNodeModule(variant: NodeModuleVariant): string {
  return renderTemplate(NODE_MODULE_TEMPLATE, validateVariant(variant));
}

export const nodeModuleGenerator: ArtifactGenerator = {
  name: 'node-module',
  part: 'module',
  description: 'shutdown registry beside the entrypoint (setupSignalHandlers, registerHttpServer, ...)',
  // Written only where it will be used: when the entrypoint part is asked for and cannot wire it in,
  // the module would be an unused file (its note says so); `--only module` writes it regardless.
  appliesTo: (ctx) => ctx.app.kind === 'node' && ctx.app.entrypoint !== null && (!ctx.answers.parts.includes('entrypoint') || !moduleWouldBeUnused(ctx)),
  actions: ({ app, answers }) => {
    if (app.kind !== 'node') return [];
    const variant = nodeModuleVariant(app, answers);
    return [
      {
        type: 'plan-render',
        path: nodeModuleFile(app),
        template: NODE_MODULE_TEMPLATE,
        data: variant,
        reason: 'shutdown registry',
      },
    ];
  },
};

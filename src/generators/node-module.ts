/**
 * The Node shutdown registry: one file written beside the app's entrypoint, in the flavour that compiles
 * and runs under the app's own setup. Its source is src/runtime/shutdown.ts; the answers enter through the
 * rendered header templates/node/shutdown-header.hbs (see ./module-source.ts).
 */
import type { Answers } from '../answers.js';
import { UserError } from '../core/errors.js';
import { BUILT_IN_TEMPLATES, type Templates } from '../core/render.js';
import type { NodeApp } from '../detect/facts.js';
import { FLAVOUR_IMPORTS, FLAVOUR_NAMES, buildModule, type ModuleFlavour } from './module-source.js';
import type { ArtifactGenerator, PlanAction } from './types.js';
import { moduleWouldBeUnused } from './node-wiring.js';
import { nodeFloorProblem, nodeModuleFile, nodeModuleFlavour } from './node-module-flavour.js';

// Re-exported: tests and callers name them with the module generator.
export { NODE_FLOOR, nodeFloorProblem, nodeModuleFile, nodeModuleFlavour, nodeModuleImportForm } from './node-module-flavour.js';

export const NODE_MODULE_HEADER = 'node/shutdown-header.hbs';
export const NODE_MODULE_SOURCE = 'shutdown.ts';

/** What the module is rendered with. */
export interface NodeModuleVariant {
  flavour: ModuleFlavour;
  timeoutMs: number;
  shutdownDelayMs: number;
  exitMode: 'zero' | 'signal';
}

/** Longest delay a Node timer accepts; a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;

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
export function renderNodeModule(variant: NodeModuleVariant, templates: Templates = BUILT_IN_TEMPLATES): string {
  const v = validateVariant(variant);
  const header = templates.render(NODE_MODULE_HEADER, { ...v, flavour: FLAVOUR_NAMES[v.flavour], usage: FLAVOUR_IMPORTS[v.flavour] });
  // Keyed by the rendered header too: another template set (an upgrade test's older one) changes it.
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
  appliesTo: (ctx) =>
    ctx.app.kind === 'node' &&
    ctx.app.entrypoint !== null &&
    (nodeFloorProblem(ctx.app) !== null || !ctx.answers.parts.includes('entrypoint') || !moduleWouldBeUnused(ctx)),
  actions: ({ app, answers, templates }): PlanAction[] => {
    if (app.kind !== 'node') return [];
    const problem = nodeFloorProblem(app);
    if (problem) return [{ type: 'plan-note', level: 'warn', message: problem, file: app.nodeTarget?.file }];
    const variant = nodeModuleVariant(app, answers);
    return [{ type: 'plan-write', path: nodeModuleFile(app), content: renderNodeModule(variant, templates), reason: 'shutdown registry' }];
  },
};

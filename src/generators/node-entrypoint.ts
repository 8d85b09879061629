/**
 * Wires the generated shutdown module into the app's entrypoint: one plan-edit of the entry file,
 * or, when the file holds shapes the tool must not touch, a plan-note with the exact lines to add
 * by hand and where. ts-morph is loaded only here, when an entrypoint is actually wired.
 */
import type { NodeApp } from '../detect/facts.js';
import { importSpecifier } from '../edits/node-entrypoint/import-specifier.js';
import { wireNodeEntrypoint, type WireOptions } from '../edits/node-entrypoint/wire.js';
import { nodeModuleFile } from './node-module.js';
import { wiredByText } from './wired-by-text.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';

export const nodeEntrypointGenerator: ArtifactGenerator = {
  name: 'node-entrypoint',
  part: 'entrypoint',
  description: 'import the shutdown module in the entrypoint, call setupSignalHandlers(), register its servers',
  appliesTo: ({ app }) => app.kind === 'node' && app.entrypoint !== null,
  actions: (ctx) => (ctx.app.kind === 'node' ? entrypointActions(ctx, ctx.app) : []),
};

function entrypointActions(ctx: GeneratorContext, app: NodeApp): PlanAction[] {
  const entry = app.entrypoint;
  if (!entry) return [];
  const source = ctx.current(entry.path);
  if (source === null) {
    return [{ type: 'plan-note', level: 'warn', message: `entrypoint ${entry.path} could not be read; wire the shutdown module by hand`, file: entry.path }];
  }
  const opts: WireOptions = {
    fileName: entry.path,
    moduleSystem: entry.moduleSystem,
    specifier: importSpecifier({ entrypoint: entry.path, moduleFile: nodeModuleFile(app), moduleSystem: entry.moduleSystem, tsconfig: app.tsconfig, source }),
    frameworks: app.frameworks,
  };
  // Already wired, as the text shows: a quiet re-run, without loading ts-morph.
  if (wiredByText(source, opts.specifier)) return [];
  const result = wireNodeEntrypoint(source, opts);
  if ('refused' in result) {
    const message = [`${entry.path}:${result.line}: ${result.refused}.`, 'Add by hand:', ...result.manual.map((m) => `  ${m}`)].join('\n');
    return [{ type: 'plan-note', level: 'warn', message, file: entry.path }];
  }
  // Already wired: nothing to do and nothing to say, so a second run is quiet.
  if (result.text === false) return [];
  return [
    {
      type: 'plan-edit',
      path: entry.path,
      reason: 'wire setupSignalHandlers() and register servers',
      edit: (current) => {
        const r = wireNodeEntrypoint(current, opts);
        return 'text' in r ? r.text : false;
      },
    },
    ...result.notes.map((message): PlanAction => ({ type: 'plan-note', level: 'info', message, file: entry.path })),
    ...processManagerNotes(app),
  ];
}

/** pm2, nodemon and forever send their own signals on stop/restart: say what to set so the drain gets its time. */
export function processManagerNotes(app: NodeApp): PlanAction[] {
  const text = [app.start?.raw, app.start?.resolved].filter(Boolean).join(' ');
  const seen = new Set(app.processManagers);
  if (/\bpm2(-runtime|-dev)?\b/.test(text)) seen.add('pm2');
  if (/\bnodemon\b/.test(text)) seen.add('nodemon');
  if (/\bforever\b/.test(text)) seen.add('forever');
  const where = app.start && /\b(pm2|nodemon|forever)\b/.test(text) ? `the "${app.start.script}" script` : 'package.json scripts';
  const notes: PlanAction[] = [];
  if (seen.has('pm2')) {
    notes.push({
      type: 'plan-note',
      level: 'warn',
      message: `pm2 is used in ${where}: on stop/reload it sends SIGINT and kills after kill_timeout (1600 ms by default); set kill_timeout above the shutdown timeout in the pm2 config`,
    });
  }
  if (seen.has('nodemon')) {
    notes.push({
      type: 'plan-note',
      level: 'warn',
      message: `nodemon is used in ${where}: it restarts with SIGUSR2, which skips the graceful shutdown (and can restart into EADDRINUSE); add --signal SIGTERM`,
    });
  }
  if (seen.has('forever')) {
    notes.push({ type: 'plan-note', level: 'warn', message: `forever is used in ${where}: it sends SIGKILL on stop unless --killSignal=SIGTERM is given` });
  }
  return notes;
}

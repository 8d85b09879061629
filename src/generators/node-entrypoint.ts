/**
 * Wires the generated shutdown module into the app's entrypoint: one plan-edit of the entry file,
 * or, when the file holds shapes the tool must not touch, a plan-note with the exact lines to add
 * by hand and where. ts-morph is loaded only here, when an entrypoint is actually wired.
 */
import type { NodeApp } from '../detect/facts.js';
import { wireNodeEntrypoint as wireNodeEntrypointFresh } from '../edits/node-entrypoint/wire.js';
import { nodeFloorProblem, nodeModuleFile } from './node-module-flavour.js';
import { planWiring } from './node-wiring.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';
import { memoizedEdit } from './edit-memo.js';

const wireNodeEntrypoint = memoizedEdit(wireNodeEntrypointFresh);

// Re-exported for the files that still import it from here (see test/architecture/layers.test.ts).
export { planWiring } from './node-wiring.js';

export const nodeEntrypointGenerator: ArtifactGenerator = {
  name: 'node-entrypoint',
  part: 'entrypoint',
  description: 'import the shutdown module in the entrypoint, call setupSignalHandlers(), register its servers',
  // Below the module's Node floor no module is written (node-module says why): nothing to wire.
  appliesTo: ({ app }) =>
    app.kind === 'node' && (app.entrypoint !== null || app.process?.runner === 'next-start') && nodeFloorProblem(app) === null,
  actions: (ctx) => (ctx.app.kind === 'node' ? entrypointActions(ctx, ctx.app) : []),
};

function entrypointActions(ctx: GeneratorContext, app: NodeApp): PlanAction[] {
  const w = planWiring(ctx, app);
  switch (w.kind) {
    case 'none':
    case 'done':
      // Already wired: nothing to do and nothing to say, so a second run is quiet.
      return [];
    case 'runner':
      return [{ type: 'plan-note', level: 'warn', message: w.message, file: app.process?.file }];
    case 'unreadable':
      return [
        {
          type: 'plan-note',
          level: 'warn',
          message: `entrypoint ${w.path} could not be read; wire the shutdown module by hand`,
          file: w.path,
        },
      ];
    case 'refused': {
      const moduleLeftOut = ctx.answers.parts.includes('module')
        ? [
            `The shutdown module was not written (it would be unused); to write it anyway, run again with --only module, then add the lines above.`,
          ]
        : [];
      const message = [
        `${w.path}:${w.line}: ${w.reason}.`,
        ...(w.manual.length ? ['Add by hand:', ...w.manual.map((m) => `  ${m}`)] : []),
        ...moduleLeftOut,
        ...processLines(app),
      ].join('\n');
      return [{ type: 'plan-note', level: 'warn', message, file: w.path }];
    }
    case 'edit': {
      const opts = w.opts;
      const why = processLines(app);
      return [
        {
          type: 'plan-edit',
          path: w.path,
          reason: 'wire setupSignalHandlers() and register servers',
          needs: [nodeModuleFile(app)],
          edit: (current) => wireNodeEntrypoint(current, opts).text,
        },
        ...(why.length ? [{ type: 'plan-note', level: 'info', message: why.join('\n'), file: w.path } satisfies PlanAction] : []),
        ...w.notes.map((n): PlanAction => ({ type: 'plan-note', level: n.level, message: n.message, file: w.path })),
        ...processManagerNotes(app),
      ];
    }
  }
}

const SOURCE_NAMES: Record<NonNullable<NodeApp['process']>['source'], string> = {
  compose: 'compose `command`',
  dockerfile: 'final-stage ENTRYPOINT/CMD',
  procfile: 'Procfile',
  pm2: 'pm2 ecosystem file',
  script: 'package.json script',
  main: 'package.json main',
  bin: 'package.json bin',
  convention: 'conventional file name',
};

const WHY: Record<NonNullable<NodeApp['process']>['source'], string> = {
  compose: 'compose runs it, overriding the image CMD',
  dockerfile: 'it is what the container runs',
  procfile: 'it is what the platform runs',
  pm2: 'pm2 runs it',
  script: 'it is how the app is started',
  main: 'nothing else names a file to run',
  bin: 'nothing else names a file to run',
  convention: 'nothing names a file to run',
};

/** Which source said what runs, why it won, what lost, and how the wired file is reached. */
export function processLines(app: NodeApp): string[] {
  const p = app.process;
  const entry = app.entrypoint;
  if (!p || !entry) return [];
  const lines: string[] = [];
  const lost = p.overruled.filter((o) => o.starts !== p.starts);
  const chain = entry.chain ?? [entry.path];
  if (lost.length === 0 && chain.length <= 1 && p.source !== 'dockerfile' && p.source !== 'compose') return [];
  lines.push(`process: \`${p.command}\` (${p.file}, ${SOURCE_NAMES[p.source]}) starts ${p.starts ?? 'no file'}: ${WHY[p.source]}.`);
  for (const o of lost)
    lines.push(
      `  not \`${o.command}\` (${o.file}, ${SOURCE_NAMES[o.source]})${o.starts ? `, which starts ${o.starts}` : ''}: the ${SOURCE_NAMES[p.source]} takes precedence.`,
    );
  if (chain.length > 1)
    lines.push(
      `  ${chain[0]} creates no server; ${chain.slice(1).join(' → ')} (loaded from it) does, so ${entry.path} is the file to wire.`,
    );
  return lines;
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
    notes.push({
      type: 'plan-note',
      level: 'warn',
      message: `forever is used in ${where}: it sends SIGKILL on stop unless --killSignal=SIGTERM is given`,
    });
  }
  return notes;
}

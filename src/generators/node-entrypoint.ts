/**
 * Wires the generated shutdown module into the app's entrypoint: one plan-edit of the entry file,
 * or, when the file holds shapes the tool must not touch, a plan-note with the exact lines to add
 * by hand and where. ts-morph is loaded only here, when an entrypoint is actually wired.
 */
import type { NodeApp } from '../detect/facts.js';
import { importSpecifier } from '../edits/node-entrypoint/import-specifier.js';
import { shutdownCodeIn, wireNodeEntrypoint, type WireOptions } from '../edits/node-entrypoint/wire.js';
import { nodeFloorProblem, nodeModuleFile, nodeModuleImportForm } from './node-module.js';
import { wiredByText } from './wired-by-text.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';

export const nodeEntrypointGenerator: ArtifactGenerator = {
  name: 'node-entrypoint',
  part: 'entrypoint',
  description: 'import the shutdown module in the entrypoint, call setupSignalHandlers(), register its servers',
  // Below the module's Node floor no module is written (node-module says why): nothing to wire.
  appliesTo: ({ app }) =>
    app.kind === 'node' && (app.entrypoint !== null || app.process?.runner === 'next-start') && nodeFloorProblem(app) === null,
  actions: (ctx) => (ctx.app.kind === 'node' ? entrypointActions(ctx, ctx.app) : []),
};

type Wiring =
  | { kind: 'none' }
  | { kind: 'runner'; message: string }
  | { kind: 'unreadable'; path: string }
  | { kind: 'refused'; path: string; line: number; reason: string; manual: string[] }
  | { kind: 'done' }
  | { kind: 'edit'; path: string; opts: WireOptions; notes: string[] };

/** What wiring the entrypoint comes to, without planning anything: the module generator asks too. */
export function planWiring(ctx: GeneratorContext, app: NodeApp): Wiring {
  const entry = app.entrypoint;
  if (!entry) return app.process?.runner === 'next-start' ? { kind: 'runner', message: nextStartMessage(app) } : { kind: 'none' };
  const source = ctx.current(entry.path);
  if (source === null) return { kind: 'unreadable', path: entry.path };
  const opts: WireOptions = {
    fileName: entry.path,
    moduleSystem: entry.moduleSystem,
    specifier: importSpecifier({ entrypoint: entry.path, moduleFile: nodeModuleFile(app), moduleSystem: entry.moduleSystem, tsconfig: app.tsconfig, source }),
    frameworks: app.frameworks,
    importForm: nodeModuleImportForm(app),
  };
  // Already wired, as the text shows: a quiet re-run, without loading ts-morph.
  if (wiredByText(source, opts.specifier)) return { kind: 'done' };
  const result = wireNodeEntrypoint(source, opts);
  if ('refused' in result) return { kind: 'refused', path: entry.path, line: result.line, reason: result.refused, manual: result.manual };
  if (result.text === false) return { kind: 'done' };
  // Shutdown code in the files that lead to this one (index.js requiring the server file) runs in the
  // same process: a second listener there would exit before, or race with, the generated drain.
  const chain = entry.chain ?? [];
  for (const file of [...chain, ...(entry.loads ?? [])].filter((f) => f !== entry.path)) {
    const text = ctx.current(file);
    if (text === null) continue;
    const found = shutdownCodeIn(text, file);
    if (found.length > 0) {
      const first = found[0] as { line: number; text: string };
      const how = chain.includes(file) ? `which the process starts and which loads ${entry.path}` : `which the process loads`;
      const reason = `not edited: ${file}, ${how}, already handles shutdown (${found.map((f) => `line ${f.line}: \`${f.text}\``).join('; ')}); a second listener would race with it. Remove that code from ${file} (register its cleanup with registerShutdownHandler(name, fn) after wiring ${entry.path}), then run again`;
      return { kind: 'refused', path: file, line: first.line, reason, manual: [] };
    }
  }
  // A package that serves traffic, whose wired file creates no server: the server is made somewhere the
  // tool cannot see (a path alias, a framework's CLI), and a listener that finds nothing to drain would end
  // the process at once on SIGTERM, before whatever owns that server has drained it.
  if (result.registered === 0 && app.frameworks.some((f) => f !== 'ws')) {
    const reason = `not edited: no server is created in ${entry.path}${(entry.loads ?? []).length ? ' or the local files it loads' : ''}, yet the package depends on ${app.frameworks.join(', ')}; a signal listener here would exit at once on SIGTERM, before the server that serves the traffic has drained. Wire the file that creates the server instead (register it with registerHttpServer(server))`;
    return { kind: 'refused', path: entry.path, line: 1, reason, manual: result.manual ?? [] };
  }
  return { kind: 'edit', path: entry.path, opts, notes: result.notes };
}

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
      return [{ type: 'plan-note', level: 'warn', message: `entrypoint ${w.path} could not be read; wire the shutdown module by hand`, file: w.path }];
    case 'refused': {
      const moduleLeftOut = ctx.answers.parts.includes('module')
        ? [`The shutdown module was not written (it would be unused); to write it anyway, run again with --only module, then add the lines above.`]
        : [];
      const message = [`${w.path}:${w.line}: ${w.reason}.`, ...(w.manual.length ? ['Add by hand:', ...w.manual.map((m) => `  ${m}`)] : []), ...moduleLeftOut, ...processLines(app)].join('\n');
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
          edit: (current) => {
            const r = wireNodeEntrypoint(current, opts);
            return 'text' in r ? r.text : false;
          },
        },
        ...(why.length ? [{ type: 'plan-note', level: 'info', message: why.join('\n'), file: w.path } satisfies PlanAction] : []),
        ...w.notes.map((message): PlanAction => ({ type: 'plan-note', level: 'info', message, file: w.path })),
        ...processManagerNotes(app),
      ];
    }
  }
}

/** True when the entrypoint part will not wire the module in (refused, runner-owned or no entry): the module would be unused. */
export function moduleWouldBeUnused(ctx: GeneratorContext): boolean {
  if (ctx.app.kind !== 'node') return false;
  const kind = planWiring(ctx, ctx.app).kind;
  return kind === 'refused' || kind === 'runner' || kind === 'none' || kind === 'unreadable';
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
  for (const o of lost) lines.push(`  not \`${o.command}\` (${o.file}, ${SOURCE_NAMES[o.source]})${o.starts ? `, which starts ${o.starts}` : ''}: the ${SOURCE_NAMES[p.source]} takes precedence.`);
  if (chain.length > 1) lines.push(`  ${chain[0]} creates no server; ${chain.slice(1).join(' → ')} (loaded from it) does, so ${entry.path} is the file to wire.`);
  return lines;
}

/**
 * `next start`: Next.js's own server, which app code cannot reach. Measured with Next 16 (test/node-entrypoint/nextjs.test.ts):
 * on SIGTERM it stops accepting and answers in-flight requests, then waits for the keep-alive sockets those
 * clients keep, and exits 143.
 */
function nextStartMessage(app: NodeApp): string {
  const p = app.process;
  const where = p ? `\`${p.command}\` (${p.file})` : '`next start`';
  return [
    `${where} runs Next.js's own server: no file of the app creates it, so there is nothing to wire and the shutdown module is not written.`,
    'On SIGTERM `next start` stops accepting and answers the requests in flight, but keeps waiting for idle keep-alive connections (up to its keep-alive timeout) and exits 143, not 0.',
    'To drain at the floor, start Next.js from a custom server (server.js: `next({ dev: false })`, `http.createServer(handle).listen(port)`, started with `node server.js`) and run this tool again: it wires that file.',
    'The container part (init as PID 1, exec-form CMD, stop grace period) still applies.',
  ].join('\n');
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

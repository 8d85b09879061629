/**
 * The docker part's hook for generated files: every Dockerfile that builds the app copies what the
 * app now loads (src/edits/dockerfile/copy-files.ts does the edit), or the plan says exactly what to
 * add. Python: the signal_handlers.py the app imports and the gunicorn.conf.py gunicorn reads. Node:
 * the shutdown module the entry now imports (`COPY package*.json server.js ./` alone gives
 * "Cannot find module './shutdown'" at start).
 */
import { posix } from 'node:path';
import type { App, NodeApp, PythonApp } from '../detect/facts.js';
import {
  buildContextOf,
  copyGeneratedFiles as copyGeneratedFilesFresh,
  dockerignoreMatcher,
  type CopyFilesInput,
  type GeneratedFile,
} from '../edits/dockerfile/copy-files.js';
import { DEVSERVER_MODULE_STEM } from './devserver-files.js';
import { nodeModuleFile } from './node-module-flavour.js';
import { pythonModuleLocation, pythonModuleMode } from './python-wiring.js';
import type { GeneratorContext, PlanAction } from './types.js';
import { memoizedEdit } from './edit-memo.js';
import { editActions } from './edit-actions.js';

const copyGeneratedFiles = memoizedEdit(copyGeneratedFilesFresh);

function relativeTo(dir: string, path: string): string | null {
  const rel = posix.relative(dir === '' ? '.' : dir, path);
  return rel.startsWith('..') ? null : rel;
}

/** Whether `from` (its planned text) loads `module` by a relative specifier (`./shutdown`, `./shutdown.js`). */
function loads(ctx: GeneratorContext, from: string, module: string): boolean {
  const text = ctx.current(from);
  if (text === null || ctx.current(module) === null) return false;
  let rel = posix.relative(posix.dirname(from), module).replace(/\.[cm]?[jt]sx?$/, '');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return new RegExp(`(['"])${rel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.[cm]?[jt]sx?)?\\1`).test(text);
}

/** A generated file and the file that loads it, which the image must hold beside it. */
interface Anchored {
  anchor: string;
  files: GeneratedFile[];
  preexisting: string[];
  compiled: boolean;
}

/**
 * Node: the shutdown module beside the entry, and the dev-server module beside the Vite config or
 * custom dev server that imports it, each only when the file (as this run leaves it) loads it: a
 * module nothing imports (`--only module`, wiring refused) is not needed in the image, and the
 * Dockerfile stays as it is.
 */
function nodeAnchored(ctx: GeneratorContext, app: NodeApp): Anchored[] {
  const out: Anchored[] = [];
  const entry = app.entrypoint;
  if (entry !== null && loads(ctx, entry.path, nodeModuleFile(app))) {
    // TypeScript: the image runs what a build stage compiled, so the sources it compiles need the module.
    out.push({
      anchor: entry.path,
      files: [{ path: nodeModuleFile(app), at: 'entry' }],
      preexisting: [],
      compiled: entry.language === 'ts',
    });
  }
  const dev = app.devServer?.file ?? null;
  if (dev !== null) {
    const module = ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs']
      .map((ext) => posix.join(posix.dirname(dev), `${DEVSERVER_MODULE_STEM}.${ext}`))
      .find((m) => loads(ctx, dev, m));
    if (module !== undefined) out.push({ anchor: dev, files: [{ path: module, at: 'entry' }], preexisting: [], compiled: false });
  }
  return out;
}

function pythonAnchored(ctx: GeneratorContext, app: PythonApp): Anchored[] {
  if (app.entrypoint === null) return [];
  const files: GeneratedFile[] = [];
  const preexisting: string[] = [];
  const module = pythonModuleLocation(app.entrypoint).path;
  if (ctx.current(module) !== null) files.push({ path: module, at: 'entry' });
  if (pythonModuleMode(app) === 'gunicorn') {
    const conf = app.gunicornConfig ?? (app.dir ? posix.join(app.dir, 'gunicorn.conf.py') : 'gunicorn.conf.py');
    if (ctx.current(conf) !== null) {
      files.push({ path: conf, at: 'workdir' });
      if (app.gunicornConfig !== null) preexisting.push(conf);
    }
  }
  return [{ anchor: app.entrypoint.path, files, preexisting, compiled: false }];
}

interface Prepared {
  input: CopyFilesInput;
  context: string;
  preexisting: Set<string>;
}

/** What copyGeneratedFiles needs for one Dockerfile of the app, one input per file that loads generated ones. */
export function copyInputsFor(ctx: GeneratorContext, app: App, dockerfile: string): Prepared[] {
  const composeFiles = ctx.facts.container.composeFiles.map((path) => ({ path, text: ctx.current(path) ?? '' }));
  const context = buildContextOf(dockerfile, composeFiles);
  const ignore = dockerignoreMatcher(ctx.current(posix.join(context, '.dockerignore')));
  const out: Prepared[] = [];
  for (const a of app.kind === 'node' ? nodeAnchored(ctx, app) : pythonAnchored(ctx, app)) {
    const entry = relativeTo(context, a.anchor);
    if (entry === null) continue;
    const inContext = a.files.flatMap((f) => {
      const rel = relativeTo(context, f.path);
      return rel === null ? [] : [{ ...f, path: rel }];
    });
    if (inContext.length === 0) continue;
    out.push({
      input: { entry, files: inContext, ignored: ignore, ...(a.compiled ? { compiled: true } : {}) },
      context,
      preexisting: new Set(a.preexisting.map((p) => relativeTo(context, p) ?? p)),
    });
  }
  return out;
}

export function generatedFilesCopyActions(ctx: GeneratorContext, app: App, dockerfile: string): PlanAction[] {
  return copyInputsFor(ctx, app, dockerfile).flatMap((prepared) => copyActions(ctx, dockerfile, prepared));
}

function copyActions(ctx: GeneratorContext, dockerfile: string, prepared: Prepared): PlanAction[] {
  const { context, preexisting } = prepared;
  // The user's own gunicorn.conf.py that the image never had: copying it in changes the image's
  // gunicorn settings, so say it rather than do it.
  const input: CopyFilesInput = { ...prepared.input, files: prepared.input.files.filter((f) => !preexisting.has(f.path)) };
  const actions: PlanAction[] = [];
  const check = copyGeneratedFiles(ctx.current(dockerfile) ?? '', prepared.input);
  for (const f of check.data.added.filter((p) => preexisting.has(p))) {
    actions.push({
      type: 'plan-note',
      level: 'warn',
      file: dockerfile,
      message: `the image does not copy ${posix.join(context, f)}, so gunicorn in the container runs without its shutdown hook; copy it next to the app (COPY ${f} ./)`,
    });
  }
  const result = copyGeneratedFiles(ctx.current(dockerfile) ?? '', input);
  const reason = `copy ${result.data.added.join(', ')} into the image (without them the app fails to import there)`;
  actions.push(...editActions({ path: dockerfile, result, edit: (source) => copyGeneratedFiles(source, input), reason }));
  return actions;
}

/**
 * Celery processes beside the app, in the timeout chain: their stop is Celery's own (warm shutdown
 * on SIGTERM, waiting for the tasks in hand), so the grace that matters is the longest task, not the
 * web app's budget. Nothing is written into them.
 */
export function celeryChainNotes(app: PythonApp, timeoutMs: number): PlanAction[] {
  return (app.celery ?? []).map((c) => ({
    type: 'plan-note' as const,
    level: 'info' as const,
    file: c.source,
    message:
      `Celery ${c.command} (${c.commandLine}): ` +
      (c.remapSigterm
        ? `REMAP_SIGTERM=${c.remapSigterm} makes SIGTERM a cold shutdown: tasks in hand are abandoned (and redelivered with acks_late)`
        : 'SIGTERM is a warm shutdown that waits for the tasks in hand') +
      `; its stop grace must exceed the longest task (the app's ${Math.ceil(timeoutMs / 1000)} s budget and gunicorn settings do not apply to it); nothing is written into it` +
      // Measured (test/corpus/python, celery-beside-web): a signal to every process of the dyno kills the pool child mid-task.
      (/(^|\/)Procfile$/.test(c.source) && !c.remapSigterm
        ? '; under a Procfile platform (Heroku) SIGTERM reaches the pool processes too and cuts the task in hand'
        : ''),
  }));
}

/**
 * Dockerfiles elsewhere in the repo that copy this app's entry module (a root Dockerfile building
 * `backend/`): the docker part does not patch them, but once the entry imports the generated module
 * their image needs it too.
 */
export function otherImagesCopyActions(ctx: GeneratorContext, app: App, handled: readonly string[]): PlanAction[] {
  const actions: PlanAction[] = [];
  for (const dockerfile of ctx.facts.container.dockerfiles.filter((p) => !handled.includes(p))) {
    for (const prepared of copyInputsFor(ctx, app, dockerfile)) {
      if (copyGeneratedFiles(ctx.current(dockerfile) ?? '', prepared.input).data.entryNotCopied) continue;
      actions.push(...copyActions(ctx, dockerfile, prepared));
    }
  }
  return actions;
}

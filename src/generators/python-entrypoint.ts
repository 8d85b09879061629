/**
 * Wires the generated signal_handlers.py into a Python app's entry module (part 'entrypoint'):
 * the import plus setup_signal_handlers(), or for FastAPI/Starlette the lifespan hook-up. When the
 * edit cannot be done safely (or the app runs under a server that owns its signals and no hook
 * exists), the plan gets a warning with the exact lines to add by hand and where, not an error.
 */
import type { PythonApp } from '../detect/facts.js';
import {
  jobLoopNote, PythonWiringRefused, signalHandlersImport, wirePythonEntrypoint, type PythonShutdownMode, type WireOptions,
} from '../edits/python-entrypoint.js';
import { hasNoShutdownHook, pythonModuleLocation, pythonModuleMode } from './python-module.js';
import { projectSpecifiers, requiresAtLeast } from './python-versions.js';

export { requiresAtLeast };
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';

export type ModeDecision =
  | { mode: PythonShutdownMode }
  /** Not wired: `reason` is for the user; `silent` when another generator already says it. */
  | { mode: null; reason: string; silent: boolean };

const ASGI = new Set<PythonApp['framework']>(['fastapi', 'starlette']);

/** How this app's entry module is wired, or why it is not. */
export function pythonShutdownMode(app: PythonApp): ModeDecision {
  // The module's variant (python-module decides it) is what setup_signal_handlers() does.
  const moduleMode = pythonModuleMode(app);
  if (moduleMode === 'gunicorn') return { mode: 'gunicorn' };
  // FastAPI/Starlette always go through the lifespan, whatever starts them: signal handlers installed
  // by the app would fight uvicorn's (and run_shutdown_handlers_async exists in every variant).
  if (ASGI.has(app.framework)) return { mode: 'asgi' };
  if (hasNoShutdownHook(app)) {
    // Django's ASGI handler on uvicorn or daphne: no lifespan to hook, no module written; python-module's note says what to do.
    return { mode: null, reason: `${app.framework} on uvicorn has no lifespan to hook`, silent: true };
  }
  if (app.framework === 'flask' || app.framework === 'django') {
    // Their development servers (app.run(), manage.py runserver) own SIGTERM; a flag-setting
    // handler would keep them running until a second signal.
    const name = app.framework === 'flask' ? 'Flask' : 'Django';
    return { mode: null, silent: false, reason: `${name} runs without gunicorn here (no gunicorn start command found); run it under gunicorn so the registered handlers run from gunicorn's hooks` };
  }
  if (app.framework === 'aiohttp') {
    return { mode: null, silent: false, reason: "aiohttp's web.run_app() installs its own SIGTERM handler; run the handlers from the app's cleanup: `app.on_cleanup.append(lambda _app: run_shutdown_handlers_async())`" };
  }
  return { mode: moduleMode };
}

/** FastAPI's `lifespan=` parameter: added in 0.93.0. */
const FASTAPI_LIFESPAN = [0, 93] as const;

function pythonApp(ctx: GeneratorContext): PythonApp | null {
  return ctx.app.kind === 'python' ? ctx.app : null;
}

/** The options the edit gets for this app, or the reason it is not wired. */
export function wireOptionsFor(app: PythonApp, budgetMs?: number, specifiers: ReadonlyMap<string, string> = new Map()): WireOptions | { reason: string; silent: boolean } {
  const entry = app.entrypoint;
  if (!entry) return { reason: 'no entry module was found', silent: false };
  const decision = pythonShutdownMode(app);
  if (decision.mode === null) return { reason: decision.reason, silent: decision.silent };
  return {
    mode: decision.mode,
    appVariable: entry.appVariable,
    importFrom: signalHandlersImport(app),
    file: entry.path,
    mainFunction: app.entryFunction ?? null,
    fastapiLifespan: app.framework === 'fastapi' && requiresAtLeast(specifiers.get('fastapi'), FASTAPI_LIFESPAN),
    ...(budgetMs === undefined ? {} : { budgetSeconds: budgetMs / 1000 }),
  };
}

function manualNote(path: string, e: PythonWiringRefused): PlanAction {
  const at = e.line === null ? path : `${path}:${e.line}`;
  const lines = e.manual.map((l) => `    ${l}`).join('\n');
  return { type: 'plan-note', level: 'warn', file: path, message: `${at}: not wired automatically (${e.reason}). Add by hand ${e.where}:\n${lines}` };
}

export const pythonEntrypointGenerator: ArtifactGenerator = {
  name: 'python-entrypoint',
  part: 'entrypoint',
  description: 'Wire signal_handlers.py into the Python entry module (setup call, or the ASGI lifespan hook-up)',

  appliesTo(ctx) {
    return pythonApp(ctx)?.entrypoint != null;
  },

  actions(ctx) {
    const app = pythonApp(ctx);
    const path = app?.entrypoint?.path;
    if (!app || !path) return [];
    const options = wireOptionsFor(app, ctx.answers.timeoutMs, projectSpecifiers(ctx.current, app.dir));
    if ('reason' in options) {
      if (options.silent) return [];
      return [{ type: 'plan-note', level: 'warn', file: path, message: `${path}: not wired: ${options.reason}.` }];
    }
    const source = ctx.current(path);
    if (source === null) {
      return [{ type: 'plan-note', level: 'warn', file: path, message: `${path}: not wired: the file does not exist.` }];
    }
    // Try the edit now: a refusal becomes a note with the lines to add, instead of failing the run.
    let wired: string | false;
    try {
      wired = wirePythonEntrypoint(source, options);
    } catch (error) {
      if (error instanceof PythonWiringRefused) return [manualNote(path, error)];
      throw error;
    }
    const reason = options.mode === 'asgi' ? 'run shutdown handlers from the app lifespan' : 'call setup_signal_handlers()';
    const actions: PlanAction[] = [{ type: 'plan-edit', path, edit: (text) => wirePythonEntrypoint(text, options), reason, needs: app.entrypoint ? [pythonModuleLocation(app.entrypoint).path] : [] }];
    // Said once, when the module gets wired: a job loop the edit could not make stop between jobs.
    const loop = wired === false ? null : jobLoopNote(wired, options);
    if (loop) actions.push({ type: 'plan-note', level: 'warn', file: path, message: loop.message });
    return actions;
  },
};

/**
 * How a Python app's process is wired, decided once for every generator that touches it: the
 * module variant (who owns the signals), the entrypoint edit's mode and options, and whether the
 * program is left alone altogether.
 *
 * Left alone: a plain or asyncio program whose job loop the edit cannot make stop between jobs
 * (see jobLoopAdvice in src/edits/python/job-loop.ts). Nothing is written for it, and no generator
 * changes how it stops (no module, no setup call, no tini, no STOPSIGNAL, no compose `init`, no k8s
 * change): as PID 1 of a container without an init it ignored SIGTERM and finished the job in hand,
 * and either signal handlers or tini would make SIGTERM cut that job. Every generator returns the
 * same one plan line instead (the plan prints it once).
 */
import { posix } from 'node:path';
import type { PythonApp } from '../detect/facts.js';
import { jobLoopNote, signalHandlersImport, type PythonShutdownMode, type WireOptions } from '../edits/python-entrypoint.js';
import { projectSpecifiers, requiresAtLeast } from './python-versions.js';
import type { GeneratorContext, PlanAction } from './types.js';

export type PythonModuleMode = 'asgi' | 'gunicorn' | 'plain' | 'asyncio';

const ASGI_FRAMEWORKS: ReadonlySet<PythonApp['framework']> = new Set(['fastapi', 'starlette']);

/** Who owns the signals decides the variant: the server when there is one, else the program. */
export function pythonModuleMode(app: PythonApp): PythonModuleMode {
  if (app.server === 'uvicorn' || app.server === 'fastapi-cli') return 'asgi';
  if (app.server === 'gunicorn') return 'gunicorn';
  if (app.framework === 'asyncio' || app.framework === 'aiohttp') return 'asyncio';
  return 'plain';
}

/**
 * An ASGI server in front of an app with no lifespan (Django's ASGI handler answers http and
 * websocket scopes only: uvicorn logs "ASGI 'lifespan' protocol appears unsupported"): no shutdown
 * hook would ever run the registry, so none is written (a module nothing imports is clutter).
 */
export function hasNoShutdownHook(app: PythonApp): boolean {
  if (ASGI_FRAMEWORKS.has(app.framework)) return false;
  return pythonModuleMode(app) === 'asgi' || app.server === 'daphne';
}

export type ModeDecision =
  | { mode: PythonShutdownMode }
  /** Not wired: `reason` is for the user; `silent` when another generator already says it. */
  | { mode: null; reason: string; silent: boolean };

/** How this app's entry module is wired, or why it is not. */
export function pythonShutdownMode(app: PythonApp): ModeDecision {
  // The module's variant is what setup_signal_handlers() does.
  const moduleMode = pythonModuleMode(app);
  if (moduleMode === 'gunicorn') return { mode: 'gunicorn' };
  // FastAPI/Starlette always go through the lifespan, whatever starts them: signal handlers installed
  // by the app would fight uvicorn's (and run_shutdown_handlers_async exists in every variant).
  if (ASGI_FRAMEWORKS.has(app.framework)) return { mode: 'asgi' };
  if (hasNoShutdownHook(app)) {
    // Django's ASGI handler on uvicorn or daphne: no lifespan to hook, no module written; python-module's note says what to do.
    return { mode: null, reason: `${app.framework} on uvicorn has no lifespan to hook`, silent: true };
  }
  if (app.framework === 'flask' || app.framework === 'django') {
    // Their development servers (app.run(), manage.py runserver) own SIGTERM; a flag-setting
    // handler would keep them running until a second signal.
    const name = app.framework === 'flask' ? 'Flask' : 'Django';
    return {
      mode: null,
      silent: false,
      reason: `${name} runs without gunicorn here (no gunicorn start command found); run it under gunicorn so the registered handlers run from gunicorn's hooks`,
    };
  }
  if (app.framework === 'aiohttp') {
    return {
      mode: null,
      silent: false,
      reason:
        "aiohttp's web.run_app() installs its own SIGTERM handler; run the handlers from the app's cleanup: `app.on_cleanup.append(lambda _app: run_shutdown_handlers_async())`",
    };
  }
  return { mode: moduleMode };
}

/** FastAPI's `lifespan=` parameter: added in 0.93.0. */
const FASTAPI_LIFESPAN = [0, 93] as const;

/** The options the edit gets for this app, or the reason it is not wired. */
export function wireOptionsFor(
  app: PythonApp,
  budgetMs?: number,
  specifiers: ReadonlyMap<string, string> = new Map(),
): WireOptions | { reason: string; silent: boolean } {
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

/**
 * The one plan line for a Python program left alone (see the file comment), or null when the app is
 * treated. Reads the entry module as planned so far: once a run finds it checking keep_running()
 * (the user's change), it is treated.
 */
export function leftAloneNote(ctx: GeneratorContext): PlanAction | null {
  const app = ctx.app;
  if (app.kind !== 'python' || app.entrypoint === null) return null;
  const options = wireOptionsFor(app, ctx.answers.timeoutMs, projectSpecifiers(app));
  if ('reason' in options || (options.mode !== 'plain' && options.mode !== 'asyncio')) return null;
  const source = ctx.current(app.entrypoint.path);
  const verdict = source === null ? null : jobLoopNote(source, options);
  return verdict?.leaveAlone ? { type: 'plan-note', level: 'warn', file: app.entrypoint.path, message: verdict.message } : null;
}

export const PYTHON_MODULE_FILE = 'signal_handlers.py';

/** Where the module goes and the dotted name the app imports it under ('app.signal_handlers'). */
export function pythonModuleLocation(entrypoint: NonNullable<PythonApp['entrypoint']>): { path: string; module: string } {
  const dir = posix.dirname(entrypoint.path);
  const parts = entrypoint.module.split('.');
  parts[parts.length - 1] = 'signal_handlers';
  return { path: dir === '.' ? PYTHON_MODULE_FILE : posix.join(dir, PYTHON_MODULE_FILE), module: parts.join('.') };
}

/**
 * How the generated signal_handlers.py integrates with what runs the app, and so how the entry
 * module is wired. One decision, shared by the module generator and the entrypoint edit.
 */
import type { PythonApp } from '../../detect/facts.js';

/**
 * - 'asgi': FastAPI/Starlette (uvicorn, fastapi-cli, gunicorn with uvicorn workers): the server
 *   owns the signals; handlers run from the app's lifespan shutdown.
 * - 'gunicorn': WSGI app under gunicorn: install nothing in workers; gunicorn.conf.py hooks run them.
 * - 'asyncio': an asyncio program: the loop's signal handler API.
 * - 'plain': a blocking script or worker: a flag-setting signal handler.
 */
export type PythonShutdownMode = 'asgi' | 'gunicorn' | 'asyncio' | 'plain';

export type ModeDecision = { mode: PythonShutdownMode } | { mode: null; reason: string };

export function pythonShutdownMode(app: PythonApp): ModeDecision {
  const { framework, server } = app;
  if (framework === 'fastapi' || framework === 'starlette') return { mode: 'asgi' };
  if (server === 'gunicorn') return { mode: 'gunicorn' };
  if (framework === 'flask' || framework === 'django') {
    // Their development servers (app.run(), manage.py runserver) own SIGTERM; a flag-setting
    // handler would keep them running. Wiring only makes sense under gunicorn.
    return { mode: null, reason: `${framework === 'flask' ? 'Flask' : 'Django'} runs without gunicorn here (no gunicorn start command found); run it under gunicorn so the registered handlers run from gunicorn's hooks` };
  }
  if (framework === 'aiohttp') {
    return { mode: null, reason: 'aiohttp\'s web.run_app() installs its own SIGTERM handler; run the handlers from the app\'s cleanup: `app.on_cleanup.append(lambda _app: run_shutdown_handlers_async())`' };
  }
  if (framework === 'asyncio') return { mode: 'asyncio' };
  return { mode: 'plain' };
}

/** The module path to import signal_handlers from, in the entry module: see PythonApp.entryImport. */
export function signalHandlersImport(app: PythonApp): string {
  return app.entryImport === 'relative' ? '.signal_handlers' : 'signal_handlers';
}

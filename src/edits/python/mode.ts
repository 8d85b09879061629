/**
 * How an entry module is wired, and how it imports signal_handlers.py.
 */
import type { PythonApp } from '../../detect/facts.js';

/**
 * - 'asgi': FastAPI/Starlette: handlers run from the app's lifespan shutdown (lifespan hook-up).
 * - 'gunicorn': under gunicorn: gunicorn.conf.py hooks run them; the module-level
 *   setup_signal_handlers() call installs nothing.
 * - 'asyncio' / 'plain': setup_signal_handlers() where the program starts.
 * The same names as the generated module's variants (PythonModuleMode in src/generators/python-module.ts).
 */
export type PythonShutdownMode = 'asgi' | 'gunicorn' | 'asyncio' | 'plain';

/** The module path to import signal_handlers from, in the entry module: see PythonApp.entryImport. */
export function signalHandlersImport(app: PythonApp): string {
  return app.entryImport === 'relative' ? '.signal_handlers' : 'signal_handlers';
}

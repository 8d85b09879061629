/**
 * Advice about a Python server's own drain bound, checked against that server's real CLI:
 * - uvicorn has `--timeout-graceful-shutdown` from 0.18.0 (Debian's 0.17.6 does not): advised
 *   only where the project does not pin an older uvicorn, else the upgrade is named;
 * - `fastapi run` (fastapi-cli) has no such option at all: the advice names the uvicorn command
 *   that has it instead.
 * And what the generated gunicorn.conf.py does about gunicorn's listen backlog at SIGTERM.
 */
import type { PythonApp } from '../detect/facts.js';
import { requiresAtMost } from './python-versions.js';

/** uvicorn's `--timeout-graceful-shutdown` first shipped in 0.18.0. */
const UVICORN_DRAIN_OPTION = [0, 18] as const;

/** The note for a container command that runs this app's ASGI server without a drain bound; null when none is due. */
export function asgiDrainAdvice(
  app: PythonApp,
  command: string,
  budgetSeconds: number,
  specifiers: ReadonlyMap<string, string>,
): string | null {
  if (command.includes('--timeout-graceful-shutdown')) return null;
  const runsFastapiCli = /(^|[\s"'[,/])fastapi["']?\s*,?\s*["']?(run|dev)\b/.test(command);
  if (runsFastapiCli || (app.server === 'fastapi-cli' && !/\buvicorn\b/.test(command))) {
    const target = app.entrypoint?.appVariable ? `${app.entrypoint.module}:${app.entrypoint.appVariable}` : 'main:app';
    return (
      `\`fastapi run\` waits for open connections without limit and has no option to bound it; to stop inside the ${budgetSeconds} s budget, ` +
      `run \`uvicorn ${target} --host 0.0.0.0 --port 8000 --timeout-graceful-shutdown ${budgetSeconds}\` instead (uvicorn 0.18+)`
    );
  }
  if (!/\buvicorn\b/.test(command)) return null;
  const pinned = specifiers.get('uvicorn');
  if (requiresAtMost(pinned, UVICORN_DRAIN_OPTION)) {
    return (
      `uvicorn waits for open connections without limit; the pinned uvicorn (${pinned}) has no --timeout-graceful-shutdown: ` +
      `upgrade to uvicorn 0.18+ and add --timeout-graceful-shutdown ${budgetSeconds} to its command so it stops inside the budget`
    );
  }
  return `uvicorn waits for open connections without limit; add --timeout-graceful-shutdown ${budgetSeconds} to its command (uvicorn 0.18+) so it stops inside the budget`;
}

/**
 * gunicorn's sync workers take one connection at a time and stop taking any at SIGTERM: the
 * connections still queued in the listen backlog were reset when the last worker closed the socket.
 * The generated hooks (templates/python/gunicorn.conf.py.hbs) make each sync worker answer what is
 * queued, then stop the socket listening, when the master stops for good. Measured
 * (bench/gunicorn-backlog, 2 sync workers, 10 concurrent 1 s requests, SIGTERM after 300 ms):
 * 10 of 10 answered, 2 of 10 before; `verify` on test/verify/repos/flask-gunicorn after --yes
 * (load that keeps coming): 0 lost, exit 0 (8 lost before). gthread workers queue the backlog in
 * the worker themselves; other classes (gevent, eventlet, uvicorn's) are left as they are: no note.
 */
export function gunicornBacklogAdvice(workerClass: string, gracefulTimeout: number): string | null {
  if (!/^(sync|gunicorn\.workers\.sync\.SyncWorker)$/.test(workerClass)) return null;
  const half = gracefulTimeout / 2;
  return (
    'gunicorn sync workers stop taking connections at SIGTERM, and the requests still waiting in the listen backlog were reset ' +
    '(measured: 2 of 10 answered with 2 workers); the generated hooks make each worker answer what is queued, then stop the socket listening, ' +
    'so new connections are refused instead (measured: 10 of 10 answered). Under load that keeps coming, what is still queued ' +
    `${half} s after SIGTERM (half of graceful_timeout) is answered by one worker: it must fit in the other ${half} s`
  );
}

/**
 * The load the gunicorn drain tests stop under, on the real Flask repo (test/fixtures/repos/python-e2e-flask-gunicorn):
 * gunicorn started on it as its Procfile runs it, then 10 concurrent 1 s requests (2 in the sync
 * workers' hands, 8 queued in the listen backlog) and SIGTERM 300 ms later.
 */
import { request } from 'node:http';
import { exitWithin, freePort, GUNICORN, type Running, start, waitHealthy } from '../python-module/helpers.js';

export const REQUESTS = 10;
/** What the repo's /slow route does. */
export const WORK_MS = 1000;
/** What --yes writes for the default 8 s budget. */
export const GRACEFUL_TIMEOUT_MS = 8000;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One /slow on its own connection: true when it got 200 and the whole body. */
export function slowAnswered(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/slow', agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(res.statusCode === 200 && body === 'done'));
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The Procfile's `gunicorn app:app`, bound to a free port, answering /health. */
export async function startGunicorn(
  dir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ proc: Running; port: number }> {
  const port = await freePort();
  const proc = start(GUNICORN, ['--bind', `127.0.0.1:${port}`, ...args, 'app:app'], dir, { PYTHONDONTWRITEBYTECODE: '1', ...env });
  await waitHealthy(port, proc);
  return { proc, port };
}

/** The 10 requests, SIGTERM 300 ms later: how many were answered, and the exit (within `exitLimitMs`). */
export async function burstThenTerm(proc: Running, port: number, exitLimitMs: number) {
  const replies = Array.from({ length: REQUESTS }, () => slowAnswered(port));
  await sleep(300);
  const since = performance.now();
  process.kill(proc.child.pid!, 'SIGTERM');
  const answered = (await Promise.all(replies)).filter(Boolean).length;
  const exit = await exitWithin(proc, since, exitLimitMs);
  return { answered, exit };
}

/**
 * Issue 13, gunicorn backlog: requests waiting in the listen backlog when the master gets SIGTERM.
 * The real Flask repo (Procfile `web: gunicorn app:app`) on Debian's gunicorn with 2 sync workers,
 * 10 concurrent 1 s requests (2 in flight, 8 queued), SIGTERM 300 ms later:
 * - as the tool leaves it by default, sync workers stop accepting at SIGTERM and the queued
 *   requests are reset (the same with or without the tool); the plan says so and names the fix;
 * - with `--shutdown-delay 5000`, the generated gunicorn.conf.py keeps the master serving 5 s
 *   before gunicorn's graceful stop: all 10 are answered, the handler runs once in each worker,
 *   and the stop ends within the delay plus the work in flight plus a margin.
 * The figures (sync and gthread, several delays) are in bench/gunicorn-backlog (README: Measurements).
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { cleanUp, exitWithin, freePort, GUNICORN, start, waitHealthy } from '../python-module/helpers.js';
import { copyRepo, handEdit, markerLines, registerLine, requireBuild, runCli } from './helpers.js';
import { tempDir } from '../python-module/helpers.js';

afterAll(cleanUp);

const REQUESTS = 10;
const WORK_MS = 1000;

function slow(port: number): Promise<boolean> {
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

async function stopUnderLoad(extraArgs: string[]) {
  requireBuild();
  const dir = copyRepo('python-e2e-flask-gunicorn');
  const cli = await runCli(dir, 60_000, extraArgs);
  if (cli.code !== 0) throw new Error(`CLI failed:\n${cli.stdout}\n${cli.stderr}`);
  const marker = join(tempDir('backlog-marker'), 'marker.log');
  handEdit(join(dir, 'app.py'), registerLine('marker', marker, 'ran'));
  const port = await freePort();
  // The Procfile's `gunicorn app:app`, bound here, with two workers.
  const proc = start(GUNICORN, ['--bind', `127.0.0.1:${port}`, '--workers', '2', 'app:app'], dir, { PYTHONDONTWRITEBYTECODE: '1' });
  await waitHealthy(port, proc);
  await new Promise((r) => setTimeout(r, 500)); // both workers up
  const replies = Array.from({ length: REQUESTS }, () => slow(port));
  await new Promise((r) => setTimeout(r, 300));
  const since = performance.now();
  process.kill(proc.child.pid!, 'SIGTERM');
  const answered = (await Promise.all(replies)).filter(Boolean).length;
  const exit = await exitWithin(proc, since, 30_000);
  return { cli, answered, exit, handlers: markerLines(marker), output: proc.output() };
}

describe.concurrent('gunicorn sync workers, requests queued in the backlog at SIGTERM', () => {
  it('by default: the queued requests are lost, and the plan says so and how to keep them', async ({ expect }) => {
    const run = await stopUnderLoad([]);
    expect(run.cli.stdout).toMatch(/gunicorn sync workers drop requests still waiting in the listen backlog at SIGTERM/);
    expect(run.cli.stdout).toMatch(/--shutdown-delay <ms>/);
    // Only what the two workers had in hand is answered.
    expect(run.answered, run.output).toBeLessThanOrEqual(4);
    expect(run.exit.code).toBe(0);
  });

  it('--shutdown-delay 5000: the master keeps serving 5 s, every queued request is answered', async ({ expect }) => {
    const run = await stopUnderLoad(['--shutdown-delay', '5000']);
    expect(run.cli.stdout).not.toMatch(/drop requests still waiting in the listen backlog/);
    expect(run.answered, run.output).toBe(REQUESTS);
    expect(run.exit.code).toBe(0);
    // The delay, then the request a worker may still hold, then a margin proportional to that work.
    expect(run.exit.ms).toBeLessThan(5000 + WORK_MS + 1500);
    expect(run.handlers).toEqual(['ran', 'ran']);
  });
});

/**
 * Issue 13, gunicorn backlog: requests waiting in the listen backlog when the master gets SIGTERM.
 * The real Flask repo (Procfile `web: gunicorn app:app`) on Debian's gunicorn with 2 sync workers,
 * 10 concurrent 1 s requests (2 in flight, 8 queued), SIGTERM 300 ms later:
 * - gunicorn alone: sync workers stop accepting at SIGTERM and the queued requests are reset
 *   when the last worker closes the socket (at most the 2 in hand plus 2 answered);
 * - after --yes: the generated gunicorn.conf.py makes each sync worker answer what is queued,
 *   then stop the socket listening: all 10 answered, the handler runs once in each worker, and the
 *   stop ends before graceful_timeout (where gunicorn would kill a worker still busy); the plan says so;
 * - with `--shutdown-delay 5000`, the master also keeps serving 5 s before gunicorn's graceful
 *   stop: all 10 are answered, and the stop ends within the delay plus the work in flight plus a margin.
 * The figures (sync and gthread, several delays) are in bench/gunicorn-backlog (README: Measurements).
 */
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { cleanUp, tempDir } from '../python-module/helpers.js';
import { type CliRun, copyRepo, handEdit, markerLines, registerLine, requireBuild, runCli } from './helpers.js';
import { burstThenTerm, GRACEFUL_TIMEOUT_MS, REQUESTS, sleep, startGunicorn, WORK_MS } from './gunicorn-burst.js';

afterAll(cleanUp);

async function stopUnderLoad(extraArgs: string[] | null) {
  requireBuild();
  const dir = copyRepo('python-e2e-flask-gunicorn');
  const marker = join(tempDir('backlog-marker'), 'marker.log');
  let cli: CliRun = { code: 0, stdout: '', stderr: '' };
  if (extraArgs !== null) {
    cli = await runCli(dir, 60_000, extraArgs);
    if (cli.code !== 0) throw new Error(`CLI failed:\n${cli.stdout}\n${cli.stderr}`);
    handEdit(join(dir, 'app.py'), registerLine('marker', marker, 'ran'));
  }
  const { proc, port } = await startGunicorn(dir, ['--workers', '2']);
  await sleep(500); // both workers up
  const { answered, exit } = await burstThenTerm(proc, port, 30_000);
  return { cli, answered, exit, handlers: markerLines(marker), output: proc.output() };
}

describe.concurrent('gunicorn sync workers, requests queued in the backlog at SIGTERM', () => {
  it('gunicorn alone (no tool): only what the two workers had in hand is answered, the queue is reset', async ({ expect }) => {
    const run = await stopUnderLoad(null);
    expect(run.answered, run.output).toBeLessThanOrEqual(4);
    expect(run.exit.code).toBe(0);
  });

  it('after --yes: every queued request is answered, the handler runs once per worker, the plan says so', async ({ expect }) => {
    const run = await stopUnderLoad([]);
    expect(run.cli.stdout).toMatch(/the generated hooks make each worker answer what is queued, then stop the socket listening/);
    expect(run.answered, run.output).toBe(REQUESTS);
    expect(run.exit.code).toBe(0);
    // Before graceful_timeout (8 s): gunicorn kills a worker still busy then, and that request would be lost.
    expect(run.exit.ms, run.output).toBeLessThan(GRACEFUL_TIMEOUT_MS);
    expect(run.handlers).toEqual(['ran', 'ran']);
  });

  it('--shutdown-delay 5000: the master keeps serving 5 s, every queued request is answered', async ({ expect }) => {
    const run = await stopUnderLoad(['--shutdown-delay', '5000']);
    expect(run.answered, run.output).toBe(REQUESTS);
    expect(run.exit.code).toBe(0);
    // The delay, then the request a worker may still hold, then a margin proportional to that work.
    expect(run.exit.ms).toBeLessThan(5000 + WORK_MS + 1500);
    expect(run.handlers).toEqual(['ran', 'ran']);
  });
});

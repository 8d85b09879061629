/**
 * The listen-backlog drain the generated gunicorn.conf.py gives sync workers, on real gunicorn
 * (Debian's 20.1) with the real Flask repo, where the user already has a gunicorn.conf.py with
 * when_ready, post_worker_init and worker_exit hooks (test/fixtures/python-module/gunicorn-conf/existing-server-hooks):
 * - SIGTERM with 10 concurrent 1 s requests (2 in hand, 8 queued): all answered, each user hook ran
 *   as often as gunicorn calls it (master once, each worker once), the app's handler once per worker;
 * - only a stop for good drains: a reload (HUP) and a max_requests restart end old workers with the
 *   socket still listening for the new ones, and after a reload SIGTERM still drains;
 * - the master killed during the drain: the workers still end, within graceful_timeout plus the
 *   request in hand (they answer what they took, then stop).
 */
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { cleanUp, exitWithin, httpGet, tempDir, type Running, USER_HOOKS_CONF } from '../python-module/helpers.js';
import { burstThenTerm as burst, GRACEFUL_TIMEOUT_MS, REQUESTS, sleep, slowAnswered, startGunicorn, WORK_MS } from './gunicorn-burst.js';
import { copyRepo, handEdit, markerLines, registerLine, requireBuild, runCli } from './helpers.js';

afterAll(cleanUp);

interface Started {
  proc: Running;
  port: number;
  hooks: string;
  handlers: string;
  count(line: string): number;
}

/** The repo with the user's conf, after --yes and the one hand edit; gunicorn started on it. */
async function startPatched(extraArgs: string[] = []): Promise<Started> {
  requireBuild();
  const dir = copyRepo('python-e2e-flask-gunicorn');
  copyFileSync(USER_HOOKS_CONF, join(dir, 'gunicorn.conf.py'));
  const cli = await runCli(dir);
  if (cli.code !== 0) throw new Error(`CLI failed:\n${cli.stdout}\n${cli.stderr}`);
  const logs = tempDir('drain-logs');
  const hooks = join(logs, 'hooks.log');
  const handlers = join(logs, 'handlers.log');
  handEdit(join(dir, 'app.py'), registerLine('marker', handlers, 'ran'));
  const { proc, port } = await startGunicorn(dir, extraArgs, { HOOKS_FILE: hooks });
  const count = (line: string) => markerLines(hooks).filter((l) => l === line).length;
  return { proc, port, hooks, handlers, count };
}

async function until(what: string, ok: () => boolean, proc: Running, limitMs = 20_000): Promise<void> {
  const end = performance.now() + limitMs;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}:\n${proc.output()}`);
    await sleep(50);
  }
}

/** The burst on a started repo; the exit within graceful_timeout plus a margin. */
const burstThenTerm = (s: Started) => burst(s.proc, s.port, GRACEFUL_TIMEOUT_MS + 5000);

/** Live (not zombie) processes of gunicorn's process group: the master and its workers. */
function groupAlive(pgid: number): number[] {
  const alive: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') alive.push(Number(pid));
    } catch {
      // gone
    }
  }
  return alive;
}

describe.concurrent('gunicorn sync workers with the generated backlog drain and a user conf of their own', () => {
  it('SIGTERM: every queued request answered; the user hooks and the handlers ran as gunicorn calls them', async ({ expect }) => {
    const s = await startPatched();
    await sleep(500); // both workers up
    const { answered, exit } = await burstThenTerm(s);
    expect(answered, s.proc.output()).toBe(REQUESTS);
    expect(exit.code).toBe(0);
    expect(exit.ms, s.proc.output()).toBeLessThan(GRACEFUL_TIMEOUT_MS);
    expect([s.count('user when_ready'), s.count('user post_worker_init'), s.count('user worker_exit')]).toEqual([1, 2, 2]);
    expect(markerLines(s.handlers)).toEqual(['ran', 'ran']);
  });

  it('a reload (HUP) keeps the socket listening for the new workers, and SIGTERM after it still drains', async ({ expect }) => {
    const s = await startPatched();
    await until('2 workers', () => s.count('user post_worker_init') === 2, s.proc);
    process.kill(s.proc.child.pid!, 'SIGHUP');
    // gunicorn starts 2 new workers, then stops the 2 old ones with SIGTERM.
    await until(
      'the old workers to exit after HUP',
      () => s.count('user worker_exit') === 2 && s.count('user post_worker_init') === 4,
      s.proc,
    );
    for (let i = 0; i < 4; i++) expect((await httpGet(s.port, '/health')).status).toBe(200);
    const { answered, exit } = await burstThenTerm(s);
    expect(answered, s.proc.output()).toBe(REQUESTS);
    expect(exit.code).toBe(0);
  });

  it('max_requests restarts a worker with the socket still listening', async ({ expect }) => {
    const s = await startPatched(['--max-requests', '2']);
    await until('2 workers', () => s.count('user post_worker_init') === 2, s.proc);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await httpGet(s.port, '/health')).status);
    expect(statuses).toEqual(Array(10).fill(200));
    await until('a worker restarted by max_requests', () => s.count('user worker_exit') >= 1, s.proc);
    expect((await httpGet(s.port, '/health')).status).toBe(200);
    process.kill(s.proc.child.pid!, 'SIGTERM');
    await exitWithin(s.proc, performance.now(), GRACEFUL_TIMEOUT_MS);
  });

  it('the master killed during the drain: the workers still end, within graceful_timeout and the request in hand', async ({ expect }) => {
    const s = await startPatched();
    await sleep(500);
    const pgid = s.proc.child.pid!;
    const replies = Array.from({ length: REQUESTS }, () => slowAnswered(s.port));
    await sleep(300);
    const since = performance.now();
    process.kill(pgid, 'SIGTERM');
    await sleep(200);
    process.kill(pgid, 'SIGKILL');
    await until('the workers to end', () => groupAlive(pgid).length === 0, s.proc, GRACEFUL_TIMEOUT_MS + WORK_MS + 2000);
    const ended = performance.now() - since;
    const answered = (await Promise.all(replies)).filter(Boolean).length;
    // The 2 in hand at least; the workers answer what they took from the queue while they may.
    expect(answered, s.proc.output()).toBeGreaterThanOrEqual(2);
    expect(ended).toBeLessThan(GRACEFUL_TIMEOUT_MS + WORK_MS + 2000);
  });
});

/**
 * The Python corpus (test/corpus/python/<repo>/, each written after reading a real public repo of
 * that shape; README.md there names them). For each: the built CLI with --yes, the user's one hand
 * edit (a register_shutdown_handler line below the tool's import), the program started the way its
 * launcher does (harness.ts), SIGTERM (and SIGINT for scripts), and, measured the same way on the
 * unmodified copy first:
 * - it exits within a bound tied to the work in hand (3x the work left plus 1 s; on a loaded machine,
 *   what the same stop took before plus the work left),
 * - the handler ran exactly once per process,
 * - in-flight requests (jobs, tasks) are finished at least as often as before,
 * - every Dockerfile that builds the app copies every file the app imports (the image's own COPY),
 *   and the image's own build steps and start succeed;
 * non-apps get nothing written.
 * `npm run build` first. Cases run three at a time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerignoreMatcher, imagePaths } from '../../../src/edits/dockerfile/copy-files.js';
import {
  buildImage,
  changed,
  cleanUp,
  composeService,
  copyRepo,
  events,
  freePort,
  get,
  handEdit,
  handlerRuns,
  holdPoint,
  importClosure,
  launcherLine,
  limiter,
  listFiles,
  PYTHON,
  runCli,
  shims,
  snapshot,
  startContainer,
  startLine,
  stopWithin,
  tempDir,
  waitFor,
  waitForLine,
  type Running,
} from './harness.js';

const WORK_MS = 1000;
/** Tied to the work in hand: what is left of it, three times over, plus 1 s. */
const bound = (workMs: number) => 3 * workMs + 1000;
/** The bound, or (on a loaded machine) what the same stop took before plus the work in hand. */
const boundAfter = (before: { ms: number; killed: boolean }, workMs: number) =>
  Math.max(bound(workMs), before.killed ? 0 : before.ms + workMs);
/** `docker stop`'s default grace. */
const DOCKER_GRACE_MS = 10_000;
const slot = limiter(3);
let shimDir = '';

beforeAll(() => {
  shimDir = shims(join(tempDir('shims'), 'bin'));
});
afterAll(cleanUp);

interface Web {
  answered: number;
  sent: number;
  ms: number;
  killed: boolean;
  code: number | null;
  output: string;
}

/** Start, wait until healthy, send `inflight` slow requests, stop while they run. */
async function measureWeb(
  start: (env: Record<string, string>) => Running,
  port: number,
  scratch: string,
  opts: {
    health: string;
    slow: string;
    inflight: number;
    signal: NodeJS.Signals;
    graceMs: number;
    ready?: { line: RegExp; count: number };
  },
): Promise<Web> {
  const eventsFile = join(scratch, `events-${port}.log`);
  const proc = start({
    EVENTS_FILE: eventsFile,
    SLOW_SECONDS: String(WORK_MS / 1000),
    PORT: String(port),
    DB_PATH: join(scratch, 'db.sqlite3'),
  });
  await waitFor('healthy answer', async () => (await get(port, opts.health)) === 200, proc, 60_000);
  // Every worker up (not still importing the app) before the signal, as in a deployment past its start-up.
  const ready = opts.ready;
  if (ready)
    await waitFor(
      `${ready.count} x ${ready.line}`,
      () => (proc.output().match(new RegExp(ready.line, 'g')) ?? []).length >= ready.count,
      proc,
      60_000,
    );
  const replies = Array.from({ length: opts.inflight }, () => get(port, opts.slow));
  // Every request in flight (being handled, not queued in the listen backlog) when the signal comes.
  await waitFor('request:start', () => events(eventsFile).filter((e) => e === 'request:start').length >= opts.inflight, proc, 15_000);
  await new Promise((r) => setTimeout(r, 100));
  const stop = await stopWithin(proc, opts.signal, opts.graceMs);
  const statuses = await Promise.all(replies);
  return { answered: statuses.filter((s) => s === 200).length, sent: opts.inflight, ...stop, output: proc.output() };
}

interface Job {
  /** 1 when the job in hand at the signal finished, else 0. */
  finished: number;
  ms: number;
  killed: boolean;
  code: number | null;
  output: string;
}

type JobOptions = {
  begin: string;
  end: string;
  signal: NodeJS.Signals;
  graceMs: number;
  env?: Record<string, string>;
  kick?: (env: Record<string, string>) => void;
  ready?: (out: string) => boolean;
  /**
   * The job says `begin` on its own output as it starts and waits there for GO_FIFO: the signal goes
   * on that line and the job goes on after it, so the signal finds the job in hand however late a
   * loaded machine lets this test run (a file polled for `begin` was seen 3 s late in CI, after a 1 s task).
   */
  held?: boolean;
};

async function measureJob(start: (env: Record<string, string>) => Running, scratch: string, opts: JobOptions): Promise<Job> {
  const eventsFile = join(scratch, `events-${opts.signal}-${Math.random().toString(36).slice(2)}.log`);
  const hold = opts.held ? holdPoint(scratch) : null;
  const env = {
    EVENTS_FILE: eventsFile,
    JOB_SECONDS: String(WORK_MS / 1000),
    TASK_SECONDS: String(WORK_MS / 1000),
    ...(hold ? { GO_FIFO: hold.path } : {}),
    ...opts.env,
  };
  const proc = start(env);
  if (opts.ready) await waitFor('ready', () => opts.ready!(proc.output()), proc, 60_000);
  opts.kick?.(env);
  if (hold) await waitForLine(proc, new RegExp(`^${opts.begin}$`, 'm'), 30_000);
  else {
    await waitFor(opts.begin, () => events(eventsFile).includes(opts.begin), proc, 30_000);
    await new Promise((r) => setTimeout(r, 100));
  }
  const endsBefore = events(eventsFile).filter((e) => e === opts.end).length;
  const stopping = stopWithin(proc, opts.signal, opts.graceMs);
  await hold?.release(proc);
  const stop = await stopping;
  // The job in hand at the signal: finished (1) or cut (0); later jobs are not the question.
  const finished = Math.min(1, events(eventsFile).filter((e) => e === opts.end).length - endsBefore);
  return { finished, ...stop, output: proc.output() };
}

/** Every file the entry imports (and the generated ones) is in the image the Dockerfile builds. */
function expectImageCovers(dir: string, dockerfile: string, context: string, entry: string, roots: string[], extra: string[] = []): void {
  const contextDir = join(dir, context);
  const ignore = join(contextDir, '.dockerignore');
  const ignored = dockerignoreMatcher(existsSync(ignore) ? readFileSync(ignore, 'utf8') : null);
  const image = new Set(imagePaths(readFileSync(join(dir, dockerfile), 'utf8'), listFiles(contextDir), ignored).values());
  const needed = [...importClosure(contextDir, entry, roots), ...extra];
  expect(
    needed.filter((f) => !image.has(f)),
    `${dockerfile} leaves out files the app imports`,
  ).toEqual([]);
}

async function cliAndEdit(
  repo: string,
  wired: string | null,
): Promise<{ dir: string; scratch: string; marker: string; out: string; changes: string[] }> {
  const dir = copyRepo(repo);
  const scratch = tempDir(`${repo}-scratch`);
  const before = snapshot(dir);
  const run = await runCli(dir);
  const changes = changed(before, snapshot(dir));
  const marker = join(scratch, 'marker.log');
  if (wired !== null) {
    expect(run.code, run.out).toBe(0);
    handEdit(join(dir, wired), marker);
  }
  return { dir, scratch, marker, out: run.out, changes };
}

function expectNoWorse(before: Web, after: Web, workMs: number): void {
  expect(after.killed, after.output).toBe(false);
  expect(after.ms, `before: ${before.ms} ms\n${after.output}`).toBeLessThan(boundAfter(before, workMs));
  expect(
    after.answered,
    `answered ${after.answered}/${after.sent} after, ${before.answered}/${before.sent} before\n${after.output}`,
  ).toBeGreaterThanOrEqual(before.answered);
}

function expectOncePerProcess(marker: string, processes: number, output = ''): void {
  const pids = handlerRuns(marker);
  expect(pids.length, `handler runs: ${JSON.stringify(pids)}\n${output}`).toBe(processes);
  expect(new Set(pids).size).toBe(pids.length);
}

describe.concurrent('Python corpus', () => {
  it(
    'flask-microblog: explicit COPY list extended; the image builds (RUN flask routes) and gunicorn drains',
    () =>
      slot(async () => {
        const base = copyRepo('flask-microblog');
        const start = (dir: string) => {
          const image = buildImage(dir, 'Dockerfile', '', shimDir);
          expect(image.buildFailure).toBeNull();
          return (env: Record<string, string>) => startContainer(image, [...image.entrypoint, ...image.cmd], env);
        };
        const port1 = await freePort();
        const before = await measureWeb(start(base), port1, tempDir('mb'), {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: DOCKER_GRACE_MS,
        });
        const { dir, marker, out } = await cliAndEdit('flask-microblog', 'microblog.py');
        // The image's own build step imports the app: without signal_handlers.py in the image it fails (ModuleNotFoundError).
        const image = buildImage(dir, 'Dockerfile', '', shimDir);
        expect(image.buildFailure, image.buildLog).toBeNull();
        expectImageCovers(dir, 'Dockerfile', '', 'microblog.py', [''], ['signal_handlers.py', 'gunicorn.conf.py']);
        expect(out).toMatch(/update\s+Dockerfile\s.*copy signal_handlers\.py, gunicorn\.conf\.py into the image/);
        expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toContain(
          'COPY microblog.py config.py boot.sh signal_handlers.py gunicorn.conf.py ./\n',
        );
        const after = await measureWeb(
          (env) => startContainer(image, [...image.entrypoint, ...image.cmd], env),
          await freePort(),
          tempDir('mb'),
          { health: '/health', slow: '/slow', inflight: 2, signal: image.stopSignal, graceMs: DOCKER_GRACE_MS },
        );
        expectNoWorse(before, after, WORK_MS);
        expectOncePerProcess(marker, 2);
      }),
    180_000,
  );

  it(
    'django-procfile: bare `gunicorn` reading the root gunicorn.conf.py (config.wsgi:application) is Django on gunicorn',
    () =>
      slot(async () => {
        const base = copyRepo('django-procfile');
        const line = launcherLine(base, 'Procfile', 'web');
        const scratch = tempDir('dp');
        const before = await measureWeb((env) => startLine(line, base, env, shimDir), await freePort(), scratch, {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: 30_000,
        });
        const { dir, marker, out, changes } = await cliAndEdit('django-procfile', 'config/wsgi.py');
        expect(out).toContain('.: Python django on gunicorn, config/wsgi.py:application');
        expect(out).not.toMatch(/runs without gunicorn/);
        // No plain-mode module left that nothing imports: the one module is the gunicorn one, and wsgi.py imports it.
        expect(changes.filter((p) => p.endsWith('signal_handlers.py'))).toEqual(['config/signal_handlers.py']);
        expect(readFileSync(join(dir, 'config/signal_handlers.py'), 'utf8')).toMatch(/gunicorn/);
        // The Dockerfile the tool creates (there was none) copies what the app imports.
        expectImageCovers(dir, 'Dockerfile', '', 'config/wsgi.py', [''], ['config/signal_handlers.py', 'gunicorn.conf.py']);
        const after = await measureWeb((env) => startLine(line, dir, env, shimDir), await freePort(), scratch, {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: 30_000,
        });
        expectNoWorse(before, after, WORK_MS);
        expectOncePerProcess(marker, 2);
      }),
    180_000,
  );

  it(
    'django-entrypoint: compose `command: /start` followed through the COPY to its exec gunicorn; the Celery worker is reported, not wired',
    () =>
      slot(async () => {
        const service = (dir: string) => composeService(dir, 'docker-compose.production.yml', 'django');
        const start = (dir: string) => {
          const image = buildImage(dir, 'compose/production/django/Dockerfile', '', shimDir);
          expect(image.buildFailure, image.buildLog).toBeNull();
          const svc = service(dir);
          return {
            image,
            run: (env: Record<string, string>) => startContainer(image, [...image.entrypoint, ...svc.command!], { ...svc.env, ...env }),
          };
        };
        const base = copyRepo('django-entrypoint');
        const before = await measureWeb(start(base).run, await freePort(), tempDir('de'), {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: DOCKER_GRACE_MS,
        });
        const { dir, marker, out, changes } = await cliAndEdit('django-entrypoint', 'config/wsgi.py');
        expect(out).toContain('.: Python django on gunicorn, config/wsgi.py:application');
        expect(out).not.toMatch(/runs without gunicorn/);
        expect(out).toMatch(
          /compose\/production\/django\/celery\/worker\/start: Celery worker \(celery -A config\.celery_app worker -l INFO\): SIGTERM is a warm shutdown that waits for the tasks in hand/,
        );
        expect(changes.filter((p) => /celery/.test(p))).toEqual([]);
        expectImageCovers(
          dir,
          'compose/production/django/Dockerfile',
          '',
          'config/wsgi.py',
          [''],
          ['config/signal_handlers.py', 'gunicorn.conf.py'],
        );
        const { image, run } = start(dir);
        const after = await measureWeb(run, await freePort(), tempDir('de'), {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: image.stopSignal,
          graceMs: service(dir).graceMs ?? DOCKER_GRACE_MS,
        });
        expectNoWorse(before, after, WORK_MS);
        expectOncePerProcess(marker, 2);
      }),
    180_000,
  );

  it(
    'celery-beside-web: the web app is wired; the worker is left alone and its warm shutdown still finishes the task in hand',
    () =>
      slot(async () => {
        const base = copyRepo('celery-beside-web');
        const web = launcherLine(base, 'Procfile', 'web');
        const worker = launcherLine(base, 'Procfile', 'worker');
        const scratch = tempDir('cw');
        const kick = (cwd: string) => (env: Record<string, string>) => {
          const sent = spawnPython(cwd, 'from tasks import resize_image; resize_image.delay("cat.png")', env);
          expect(sent.status, sent.stderr).toBe(0);
        };
        const task = (cwd: string, brokerDir: string) => ({
          begin: 'task:start',
          end: 'task:end',
          signal: 'SIGTERM' as const,
          graceMs: DOCKER_GRACE_MS,
          held: true,
          env: { BROKER_DIR: brokerDir },
          kick: kick(cwd),
          ready: (o: string) => /ready\./.test(o),
        });
        const mkBroker = (name: string) => {
          const d = join(scratch, name);
          for (const sub of ['out', 'processed']) mkdirpSync(join(d, sub));
          return d;
        };
        const beforeWeb = await measureWeb((env) => startLine(web, base, env, shimDir), await freePort(), scratch, {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: 30_000,
        });
        // The worker as a container runs it: `docker stop` signals the main process only (a Procfile's
        // SIGTERM to every process also kills the pool child mid-task, before and after alike).
        const beforeTask = await measureJob((env) => startLine(worker, base, env, shimDir, 'leader'), scratch, task(base, mkBroker('b1')));
        const { dir, marker, out, changes } = await cliAndEdit('celery-beside-web', 'app.py');
        expect(changes).not.toContain('tasks.py');
        expectImageCovers(dir, 'Dockerfile', '', 'app.py', [''], ['signal_handlers.py', 'gunicorn.conf.py']);
        expect(out).toMatch(
          /Procfile: Celery worker \(celery -A tasks worker --loglevel=info --concurrency 1\): SIGTERM is a warm shutdown that waits for the tasks in hand.*SIGTERM reaches the pool processes too/,
        );
        // Web-server advice and gunicorn's graceful_timeout are about the web process only.
        expect(out).not.toMatch(/celery[^\n]*(graceful_timeout|--timeout-graceful-shutdown)/i);
        const afterWeb = await measureWeb((env) => startLine(web, dir, env, shimDir), await freePort(), scratch, {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: 30_000,
        });
        expectNoWorse(beforeWeb, afterWeb, WORK_MS);
        expectOncePerProcess(marker, 2);
        const afterTask = await measureJob((env) => startLine(worker, dir, env, shimDir, 'leader'), scratch, task(dir, mkBroker('b2')));
        expect(beforeTask.finished, beforeTask.output).toBe(1);
        expect(afterTask.finished, afterTask.output).toBeGreaterThanOrEqual(beforeTask.finished);
        expect(afterTask.killed).toBe(false);
        // Celery's own stop (pool shutdown, the broker poll) comes on top of the task: never slower than before by more than the bound.
        expect(afterTask.ms, `before ${beforeTask.ms} ms`).toBeLessThan(beforeTask.ms + bound(WORK_MS));
        // What the plan's note says of Procfile platforms: SIGTERM to every process cuts the task in hand.
        const dyno = await measureJob((env) => startLine(worker, dir, env, shimDir, 'group'), scratch, task(dir, mkBroker('b3')));
        expect(dyno.finished, dyno.output).toBe(0);
      }),
    240_000,
  );

  it(
    'fastapi-backend: CI and test scripts are not apps; the directory COPY already brings the module',
    () =>
      slot(async () => {
        const start = (dir: string) => {
          const image = buildImage(dir, 'backend/Dockerfile', '', shimDir);
          expect(image.buildFailure, image.buildLog).toBeNull();
          return {
            image,
            run: (port: number) => (env: Record<string, string>) => startContainer(image, withPortArgs(image.cmd, port), env),
          };
        };
        const base = copyRepo('fastapi-backend');
        let port = await freePort();
        const workers = { line: /Application startup complete/, count: 2 };
        const before = await measureWeb(start(base).run(port), port, tempDir('fb'), {
          health: '/health',
          slow: '/api/v1/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: DOCKER_GRACE_MS,
          ready: workers,
        });
        const { dir, marker, out, changes } = await cliAndEdit('fastapi-backend', 'backend/app/main.py');
        expect(out).toContain('backend: Python fastapi on uvicorn, backend/app/main.py:app');
        expect(changes.filter((p) => p.includes('scripts/') || p.includes('tests/') || p.includes('backend_pre_start'))).toEqual([]);
        expect(out).not.toMatch(/copy .* into the image/);
        expectImageCovers(dir, 'backend/Dockerfile', '', 'backend/app/main.py', ['backend'], ['backend/app/signal_handlers.py']);
        const { image, run } = start(dir);
        port = await freePort();
        const after = await measureWeb(run(port), port, tempDir('fb'), {
          health: '/health',
          slow: '/api/v1/slow',
          inflight: 2,
          signal: image.stopSignal,
          graceMs: DOCKER_GRACE_MS,
          ready: workers,
        });
        expectNoWorse(before, after, WORK_MS);
        expectOncePerProcess(marker, 2);
      }),
    180_000,
  );

  it(
    'fastapi-lifespan: an app with its own startup/shutdown hooks keeps them and runs the handler once',
    () =>
      slot(async () => {
        const start = (dir: string) => {
          const image = buildImage(dir, 'Dockerfile', '', shimDir);
          expect(image.buildFailure, image.buildLog).toBeNull();
          return {
            image,
            run: (port: number) => (env: Record<string, string>) =>
              startContainer(image, withPortArgs([...image.entrypoint, ...image.cmd], port), env),
          };
        };
        const base = copyRepo('fastapi-lifespan');
        let port = await freePort();
        const scratchBefore = tempDir('fl');
        const before = await measureWeb(start(base).run(port), port, scratchBefore, {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: DOCKER_GRACE_MS,
        });
        const { dir, marker } = await cliAndEdit('fastapi-lifespan', 'app/main.py');
        expectImageCovers(dir, 'Dockerfile', '', 'app/main.py', [''], ['app/signal_handlers.py']);
        const { image, run } = start(dir);
        port = await freePort();
        const scratch = tempDir('fl');
        const after = await measureWeb(run(port), port, scratch, {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: image.stopSignal,
          graceMs: DOCKER_GRACE_MS,
        });
        expectNoWorse(before, after, WORK_MS);
        expectOncePerProcess(marker, 1);
        // The app's own shutdown hook still runs, as it did before.
        expect(readdirEvents(scratchBefore)).toContain('app:pool-closed');
        expect(readdirEvents(scratch)).toContain('app:pool-closed');
      }),
    180_000,
  );

  it.each(['settings-package', 'ci-scripts'])(
    '%s: not an app, nothing written',
    (repo) =>
      slot(async () => {
        const { out, changes } = await cliAndEdit(repo, null);
        expect(changes, out).toEqual([]);
        expect(out).not.toMatch(/Python (plain|django|asyncio)/);
      }),
    60_000,
  );

  it(
    'bare-script: worker.py without a manifest, run by its Dockerfile; the wait in the helper the loop calls last ends on shutdown, the round in hand finishes, as PID 1 and on Ctrl+C',
    () =>
      slot(async () => {
        // The wait between rounds (30 s) is longer than `docker stop`'s grace: before the tool, PID 1 ignores SIGTERM and is killed.
        const env = { POLL_SECONDS: '30' };
        const moments = {
          round: { begin: 'job:start', end: 'job:end', work: WORK_MS },
          between: { begin: 'waiting', end: 'job:end', work: 0 },
        } as const;
        const measureAll = async (dir: string, marker: string | null) => {
          const image = buildImage(dir, 'Dockerfile', '', shimDir);
          expect(image.buildFailure, image.buildLog).toBeNull();
          const out: Record<string, Job & { handlers: number[] }> = {};
          for (const [moment, m] of Object.entries(moments)) {
            for (const signal of ['SIGTERM', 'SIGINT'] as const) {
              // Each run records its handler in a file of its own.
              const runMarker = marker === null ? null : `${marker}.${moment}.${signal}`;
              if (runMarker !== null) {
                // In the repo (Ctrl+C runs it there) and in the image built from it.
                for (const file of [join(dir, 'worker.py'), join(image.root, image.workdir, 'worker.py')])
                  writeMarkerPath(file, readMarker(file), runMarker);
              }
              // SIGTERM as `docker stop` sends it (PID 1 of the image, through tini when the image has it); SIGINT as Ctrl+C on `python worker.py`.
              const start =
                signal === 'SIGTERM'
                  ? (e: Record<string, string>) => startContainer(image, [...image.entrypoint, ...image.cmd], e)
                  : (e: Record<string, string>) => startLine('python worker.py', dir, e, shimDir);
              const job = await measureJob(start, tempDir('bs'), {
                begin: m.begin,
                end: m.end,
                signal: signal === 'SIGTERM' ? image.stopSignal : signal,
                graceMs: DOCKER_GRACE_MS,
                env,
              });
              out[`${moment} ${signal}`] = { ...job, handlers: runMarker === null ? [] : handlerRuns(runMarker) };
            }
          }
          return { image, out };
        };
        const base = copyRepo('bare-script');
        const before = await measureAll(base, null);
        const { dir, marker, out, changes } = await cliAndEdit('bare-script', 'worker.py');
        expect(out).toContain('.: Python plain, worker.py');
        expect(out).not.toMatch(/job loop|left as it is/);
        expect(changes).toEqual(['.graceful-shutdown.json', 'Dockerfile', 'signal_handlers.py', 'worker.py']);
        const worker = readFileSync(join(dir, 'worker.py'), 'utf8');
        expect(worker).toMatch(/^ {4}while keep_running\(\):$/m);
        // Only the wait between rounds is cut short: the round's own work is left as it was.
        expect(worker).toMatch(/^ {4}interruptible_sleep\(interval\)$/m);
        expect(worker).toContain('    while time.monotonic() < until:\n');
        expect(readFileSync(join(dir, 'Dockerfile'), 'utf8')).toMatch(/^COPY worker\.py signal_handlers\.py \.\/$/m);
        expectImageCovers(dir, 'Dockerfile', '', 'worker.py', [''], ['signal_handlers.py']);
        const after = await measureAll(dir, marker);
        expect(after.image.entrypoint).toEqual(['/usr/bin/tini', '--']);
        for (const [name, a] of Object.entries(after.out)) {
          const b = before.out[name]!;
          console.info(
            `bare-script ${name}: before ${Math.round(b.ms)} ms (${b.killed ? 'killed at the grace' : `exit ${b.code}`}, round finished ${b.finished}), after ${Math.round(a.ms)} ms (exit ${a.code}, round finished ${a.finished}, handler runs ${a.handlers.length})`,
          );
          const work = moments[name.split(' ')[0] as keyof typeof moments].work;
          const seen = `${name}: before ${b.ms} ms (killed ${b.killed}, finished ${b.finished}), after ${a.ms} ms (code ${a.code})\n${a.output}`;
          expect(a.killed, seen).toBe(false);
          expect(a.ms, seen).toBeLessThan(boundAfter(b, work));
          expect(a.finished, seen).toBeGreaterThanOrEqual(b.finished);
          // The handler ran exactly once, in the worker's own process.
          expect(a.handlers, seen).toHaveLength(1);
        }
        // The round in hand at SIGTERM finished as it did before (PID 1 ignored the signal then), and now the worker stops after it.
        expect(before.out['round SIGTERM']!.finished).toBe(1);
        expect(before.out['round SIGTERM']!.killed).toBe(true);
        expect(after.out['round SIGTERM']!.finished).toBe(1);
        expect(after.out['round SIGTERM']!.code).toBe(0);
        // Ctrl+C still ends it with KeyboardInterrupt, after the round in hand.
        expect(after.out['round SIGINT']!.finished).toBe(1);
        expect(after.out['round SIGINT']!.output).toContain('KeyboardInterrupt');
      }),
    240_000,
  );

  it(
    'bare-script-job-sleep: a sleep of unknown length inside the job itself: nothing is changed, how it stops included, and one plan line says what to change',
    () =>
      slot(async () => {
        const { out, changes } = await cliAndEdit('bare-script-job-sleep', null);
        expect(changes, out).toEqual([]);
        const lines = out.split('\n').filter((l) => l.includes('worker.py'));
        expect(
          lines.filter((l) => /left as it is/.test(l)),
          out,
        ).toHaveLength(1);
        expect(out).toMatch(
          /worker\.py:21: left as it is, and so is how it stops \(no signal handlers, no tini\): .*line 14: `time\.sleep\(float\(os\.environ\.get\("JOB_SECONDS", "1"\)\)\)` in process\(\).*then run the tool again/,
        );
        expect(out).not.toMatch(/tini as PID 1|STOPSIGNAL/);
        expect(out).toContain('Nothing written: the warnings above say what needs you.');
        expect(out).not.toContain('everything is already in place');
      }),
    60_000,
  );

  it(
    'aiohttp-polls: run from its Makefile (python -m), wired the way the plan says, answers in-flight requests',
    () =>
      slot(async () => {
        const base = copyRepo('aiohttp-polls');
        const line = launcherLine(base, 'Makefile', 'run');
        const before = await measureWeb((env) => startLine(line, base, env, shimDir), await freePort(), tempDir('ah'), {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: DOCKER_GRACE_MS,
        });
        const { dir, marker, out } = await cliAndEdit('aiohttp-polls', null);
        expect(out).toContain('.: Python aiohttp, aiohttpdemo_polls/__main__.py');
        // The plan's own instruction for aiohttp: run the handlers from the app's cleanup.
        const advice = /`(app\.on_cleanup\.append\([^`]+\))`/.exec(out);
        expect(advice, out).not.toBeNull();
        const main = join(dir, 'aiohttpdemo_polls/main.py');
        const text = readFileSync(main, 'utf8');
        writeFileAt(
          main,
          text
            .replace(
              'from aiohttp import web\n',
              'from aiohttp import web\n\nfrom aiohttpdemo_polls.signal_handlers import run_shutdown_handlers_async\n',
            )
            .replace('    app = web.Application()\n', `    app = web.Application()\n    ${advice![1]}\n`),
        );
        handEdit(main, marker);
        expectImageCovers(dir, 'Dockerfile', '', 'aiohttpdemo_polls/__main__.py', [''], ['aiohttpdemo_polls/signal_handlers.py']);
        const after = await measureWeb((env) => startLine(line, dir, env, shimDir), await freePort(), tempDir('ah'), {
          health: '/health',
          slow: '/slow',
          inflight: 2,
          signal: 'SIGTERM',
          graceMs: DOCKER_GRACE_MS,
        });
        expectNoWorse(before, after, WORK_MS);
        expectOncePerProcess(marker, 1, `exit ${after.code} after ${after.ms} ms\n${after.output}`);
      }),
    180_000,
  );

  it(
    'tgbot: the bot is the app, its database setup.py and repository modules are not; compose runs it; SIGTERM and Ctrl+C stop it',
    () =>
      slot(async () => {
        const work = 700; // a poll (0.5 s) and the update in hand (0.2 s)
        const update = (signal: NodeJS.Signals, graceMs: number) => ({
          begin: 'update:start',
          end: 'update:end',
          signal,
          graceMs,
          env: { POLL_SECONDS: '0.5', HANDLE_SECONDS: '0.2' },
        });
        const compose = (dir: string) => {
          const svc = composeService(dir, 'docker-compose.yml', 'bot');
          const image = buildImage(dir, 'Dockerfile', '', shimDir);
          return {
            svc,
            image,
            run: (env: Record<string, string>) =>
              startContainer(image, [...image.entrypoint, ...svc.command!], env, svc.workdir ?? image.workdir),
          };
        };
        const base = copyRepo('tgbot');
        const b = compose(base);
        const beforeStop = await measureJob(
          b.run,
          tempDir('tg'),
          update(b.svc.stopSignal ?? b.image.stopSignal, b.svc.graceMs ?? DOCKER_GRACE_MS),
        );
        const beforeInt = await measureJob(
          (env) => startLine('python3 -m bot', base, env, shimDir),
          tempDir('tg'),
          update('SIGINT', DOCKER_GRACE_MS),
        );
        const { dir, marker, out, changes } = await cliAndEdit('tgbot', 'bot.py');
        expect(out).toContain('.: Python asyncio, bot.py');
        expect(out).not.toContain('infrastructure/database');
        expect(changes.filter((p) => p.startsWith('infrastructure/') || p.startsWith('scripts/') || p.startsWith('tgbot/'))).toEqual([]);
        expectImageCovers(dir, 'Dockerfile', '', 'bot.py', [''], ['signal_handlers.py']);
        const a = compose(dir);
        const afterStop = await measureJob(
          a.run,
          tempDir('tg'),
          update(a.svc.stopSignal ?? a.image.stopSignal, a.svc.graceMs ?? DOCKER_GRACE_MS),
        );
        expect(afterStop.killed, afterStop.output).toBe(false);
        expect(afterStop.ms).toBeLessThan(boundAfter(beforeStop, work));
        expect(afterStop.finished).toBeGreaterThanOrEqual(beforeStop.finished);
        expectOncePerProcess(marker, 1);
        const marker2 = marker.replace(/\.log$/, '');
        writeMarkerPath(join(dir, 'bot.py'), marker, marker2);
        const afterInt = await measureJob(
          (env) => startLine('python3 -m bot', dir, env, shimDir),
          tempDir('tg'),
          update('SIGINT', DOCKER_GRACE_MS),
        );
        expect(afterInt.killed, afterInt.output).toBe(false);
        expect(afterInt.ms).toBeLessThan(boundAfter(beforeInt, work));
        expect(afterInt.finished).toBeGreaterThanOrEqual(beforeInt.finished);
        // The program's own `except KeyboardInterrupt` cleanup still runs on Ctrl+C, as it did before.
        expect(beforeInt.output).toContain('Bot stopped');
        expect(afterInt.output).toContain('Bot stopped');
        expectOncePerProcess(marker2, 1);
      }),
    180_000,
  );
});

// Small helpers local to these cases.
function mkdirpSync(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

function writeFileAt(path: string, text: string): void {
  writeFileSync(path, text);
}

function spawnPython(cwd: string, code: string, env: Record<string, string>) {
  return spawnSync(PYTHON, ['-c', code], { cwd, env: { PATH: '/usr/bin:/bin', ...env }, encoding: 'utf8', timeout: 30_000 });
}

/** Uvicorn's `--port N` in the image's command, pointed at a free port. */
function withPortArgs(argv: readonly string[], port: number): string[] {
  return argv.map((w, i) => (argv[i - 1] === '--port' ? String(port) : w));
}

function readdirEvents(scratch: string): string[] {
  return readdirSync(scratch)
    .filter((f) => f.startsWith('events-'))
    .flatMap((f) => events(join(scratch, f)));
}

/** A second run records its handler in another file (the first run's lines stay countable). */
function writeMarkerPath(file: string, from: string, to: string): void {
  writeFileSync(file, readFileSync(file, 'utf8').replace(JSON.stringify(from), JSON.stringify(to)));
}

/** The marker file the hand-edit line writes to. */
function readMarker(file: string): string {
  const m = /open\(("(?:[^"\\]|\\.)*")/.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`${file}: no marker path`);
  return JSON.parse(m[1]!) as string;
}

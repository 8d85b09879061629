/**
 * Django's ASGI application on uvicorn (`npm run build` first). Django's ASGI handler has no
 * lifespan, so no shutdown hook would ever run a handler registry: the CLI writes no module (none
 * that nothing imports) and leaves asgi.py alone, and its note says what works instead. The note's
 * advice is then followed and proven on real Django and uvicorn (2 workers): SIGTERM while requests
 * are in flight answers them, and `atexit.register(...)` at the end of asgi.py runs once in each
 * worker after the drain.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { hashTree } from '../helpers/tree.js';
import { cleanUp, events, exitWithin, freePort, httpGet, start, tempDir, waitForEvent, waitHealthy } from '../python-module/helpers.js';
import { changedPaths, copyRepo, declaredCommand, localCommand, markerLines, pyString, requireBuild, runCli } from './helpers.js';

afterEach(cleanUp);

const WORK_MS = 1000;

it('Django ASGI on uvicorn: nothing that nothing imports; the advice (atexit after the drain) holds', async () => {
  requireBuild();
  const dir = copyRepo('python-e2e-django-asgi');
  const before = hashTree(dir);
  const asgiBefore = readFileSync(join(dir, 'config/asgi.py'), 'utf8');
  const run = await runCli(dir);
  const out = run.stdout + run.stderr;
  expect(run.code, out).toBe(0);
  expect(out).toContain('.: Python django on uvicorn, config/asgi.py:application');
  const changed = changedPaths(before, hashTree(dir));
  expect(
    changed.filter((p) => p.endsWith('signal_handlers.py')),
    out,
  ).toEqual([]);
  expect(readFileSync(join(dir, 'config/asgi.py'), 'utf8')).toBe(asgiBefore);
  expect(out).toMatch(/nothing written: Django's ASGI application has no lifespan shutdown hook under uvicorn/);
  expect(out).not.toMatch(/run_shutdown_handlers_async\(\) from the app's shutdown hook/);
  const advice = /add `(atexit\.register\([^`]*\))` at the end of config\/asgi\.py: it runs in each server process after the drain/.exec(
    out,
  );
  expect(advice, out).not.toBeNull();

  // Follow the advice.
  const scratch = tempDir('django-asgi');
  const marker = join(scratch, 'atexit.log');
  const eventsFile = join(scratch, 'events.log');
  appendFileSync(
    join(dir, 'config/asgi.py'),
    `\nimport atexit\n\natexit.register(lambda: open(${pyString(marker)}, "a").write("ran %d\\n" % os.getpid()))\n`,
  );
  const port = await freePort();
  const { command, args } = localCommand(declaredCommand(dir, 'Procfile'), port);
  const proc = start(command, args, dir, { EVENTS_FILE: eventsFile, SLOW_SECONDS: String(WORK_MS / 1000) });
  await waitHealthy(port, proc);
  // Both workers up before the signal.
  const deadline = performance.now() + 30_000;
  while ((proc.output().match(/Application startup complete/g) ?? []).length < 2 && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  const replies = [httpGet(port, '/slow'), httpGet(port, '/slow')];
  await waitForEvent(eventsFile, 'request:start');
  while (events(eventsFile).filter((e) => e === 'request:start').length < 2 && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 25));
  const since = performance.now();
  process.kill(proc.child.pid!, 'SIGTERM');
  // The work left (under 1 s), three times over, plus 1 s.
  const exit = await exitWithin(proc, since, 3 * WORK_MS + 1000);
  const statuses = (await Promise.allSettled(replies)).map((r) => (r.status === 'fulfilled' ? r.value.status : 0));
  expect(exit.code, proc.output()).toBe(0);
  expect(proc.output()).toMatch(/ASGI 'lifespan' protocol appears unsupported/);
  expect(statuses).toEqual([200, 200]);
  const pids = markerLines(marker);
  expect(pids.length, proc.output()).toBe(2);
  expect(new Set(pids).size).toBe(2);
}, 90_000);

/**
 * The 'plain' and 'asyncio' variants in real Python processes: a blocking worker and an asyncio
 * worker (test/fixtures/repos/python-*-worker) get the generated module, then real signals.
 * Each worker registers "database", then the $FAULT handler (if any), then "queue"; so the
 * expected order on shutdown is queue, fault, database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { answers, cleanUp, events, exitWithin, materialize, PYTHON, pythonApp, start, waitForEvent, type Running } from './helpers.js';

const BUDGET_S = 5;

const variants = [
  { mode: 'plain', repo: 'python-plain-worker', framework: 'plain' },
  { mode: 'asyncio', repo: 'python-asyncio-worker', framework: 'asyncio' },
] as const;

afterEach(cleanUp);

describe.each(variants)('$mode worker', ({ repo, framework }) => {
  function launch(env: Record<string, string> = {}): { proc: Running; eventsFile: string; dir: string } {
    const app = pythonApp({ framework, entrypoint: { path: 'worker.py', module: 'worker', appVariable: null, inPackage: false } });
    const dir = materialize(repo, app, answers({ timeoutMs: BUDGET_S * 1000 }));
    const eventsFile = join(dir, 'events.log');
    const proc = start(PYTHON, ['worker.py'], dir, { EVENTS_FILE: eventsFile, ...env });
    return { proc, eventsFile, dir };
  }

  async function stopDuringJob(env: Record<string, string> = {}) {
    const run = launch({ JOB_SECONDS: '1', ...env });
    await waitForEvent(run.eventsFile, 'job:start');
    const signalledAt = performance.now();
    run.proc.child.kill('SIGTERM');
    const exit = await exitWithin(run.proc, signalledAt, 20_000);
    return { ...run, exit, seen: events(run.eventsFile) };
  }

  const handlersIn = (seen: string[]) => seen.filter((e) => e.startsWith('handler:'));

  it('SIGTERM lets the job in hand finish, then runs the handlers newest first, once, and exits 0 within the budget', async () => {
    const { exit, seen } = await stopDuringJob();
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    const tail = seen.slice(seen.lastIndexOf('job:start'));
    expect(tail).toEqual(['job:start', 'job:done', 'loop:exit', 'handler:queue', 'handler:database']);
  });

  it('a second SIGTERM exits at once with 143, without waiting for the job', async () => {
    const run = launch({ JOB_SECONDS: '30' });
    await waitForEvent(run.eventsFile, 'job:start');
    run.proc.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const secondAt = performance.now();
    run.proc.child.kill('SIGTERM');
    const exit = await exitWithin(run.proc, secondAt, 10_000);
    expect(exit.code).toBe(143);
    expect(exit.ms).toBeLessThan(3000);
    expect(events(run.eventsFile)).not.toContain('job:done');
  });

  it('a hanging handler is cut at its own timeout and the next one still runs', async () => {
    const { exit, seen, proc } = await stopDuringJob({ FAULT: 'hang', HANDLER_TIMEOUT: '1' });
    expect(exit.code).toBe(0);
    expect(handlersIn(seen)).toEqual(['handler:queue', 'handler:hangs', 'handler:database']);
    expect(proc.output()).toMatch(/'hang' did not finish within 1\.0 s/);
    expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
  });

  it('the job outliving the budget ends the process with 124 at the budget', async () => {
    const run = launch({ JOB_SECONDS: '30', GRACEFUL_SHUTDOWN_TIMEOUT: '2' });
    await waitForEvent(run.eventsFile, 'job:start');
    const signalledAt = performance.now();
    run.proc.child.kill('SIGTERM');
    const exit = await exitWithin(run.proc, signalledAt, 15_000);
    expect(exit.code).toBe(124);
    expect(exit.ms).toBeGreaterThanOrEqual(1900);
    expect(exit.ms).toBeLessThan(6000);
  });

  it('a malformed GRACEFUL_SHUTDOWN_TIMEOUT gives a warning and the default, not a crash', async () => {
    const { exit, seen, proc } = await stopDuringJob({ GRACEFUL_SHUTDOWN_TIMEOUT: 'thirty' });
    expect(exit.code).toBe(0);
    expect(proc.output()).toContain("GRACEFUL_SHUTDOWN_TIMEOUT='thirty' is not a positive number of seconds; using 5");
    expect(handlersIn(seen)).toEqual(['handler:queue', 'handler:database']);
  });

  it('accepts a unit suffix such as "30s" without a warning', async () => {
    const { exit, proc } = await stopDuringJob({ GRACEFUL_SHUTDOWN_TIMEOUT: '30s' });
    expect(exit.code).toBe(0);
    expect(proc.output()).not.toContain('GRACEFUL_SHUTDOWN_TIMEOUT');
  });

  describe('fault matrix', () => {
    it('a handler that throws: logged, the others run, exit 0', async () => {
      const { exit, seen, proc } = await stopDuringJob({ FAULT: 'throw' });
      expect(exit.code).toBe(0);
      expect(handlersIn(seen)).toEqual(['handler:queue', 'handler:throws', 'handler:database']);
      expect(proc.output()).toContain('boom in a shutdown handler');
    });

    it.each(['hang', 'hang-async'])(
      'a handler that hangs with no timeout (%s): cut at its share, the others run, within the budget',
      async (fault) => {
        const { exit, seen } = await stopDuringJob({ FAULT: fault });
        expect(exit.code).toBe(0);
        expect(handlersIn(seen)).toEqual(['handler:queue', `handler:${fault === 'hang' ? 'hangs' : 'hangs-async'}`, 'handler:database']);
        expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
      },
    );

    it('a handler that calls sys.exit(): ignored, the others run, exit 0', async () => {
      const { exit, seen, proc } = await stopDuringJob({ FAULT: 'sys-exit' });
      expect(exit.code).toBe(0);
      expect(handlersIn(seen)).toEqual(['handler:queue', 'handler:sys-exit', 'handler:database']);
      expect(proc.output()).toContain('called sys.exit(3); ignored');
    });

    it('a handler that calls os._exit(7): the process ends with 7 at once, the handlers before it ran', async () => {
      const { exit, seen } = await stopDuringJob({ FAULT: 'os-exit' });
      expect(exit.code).toBe(7);
      expect(handlersIn(seen)).toEqual(['handler:queue', 'handler:os-exit']);
    });

    it('a signal after setup but before the program looks at it: stopped as Python would (143), no job starts, the handlers run', async () => {
      // Nothing would notice a recorded request during the boot sleep: waiting for the program
      // would hold the stop until the budget, so it ends the way it did without the module.
      const run = launch({ BOOT_SECONDS: '30' });
      await waitForEvent(run.eventsFile, 'boot');
      const signalledAt = performance.now();
      run.proc.child.kill('SIGTERM');
      const exit = await exitWithin(run.proc, signalledAt, 20_000);
      expect(exit.code).toBe(143);
      // Far from the 30 s boot sleep: the bound is the handlers' own work plus Python's exit.
      expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
      const seen = events(run.eventsFile);
      expect(seen).not.toContain('job:start');
      expect(handlersIn(seen)).toEqual(['handler:queue', 'handler:database']);
    });

    it('a signal before setup_signal_handlers(): Python default, terminated by SIGTERM (documented)', async () => {
      const run = launch({ PRE_SETUP_SECONDS: '3' });
      await waitForEvent(run.eventsFile, 'start');
      const signalledAt = performance.now();
      run.proc.child.kill('SIGTERM');
      const exit = await exitWithin(run.proc, signalledAt, 10_000);
      expect(exit.signal).toBe('SIGTERM');
      expect(events(run.eventsFile)).toEqual(['start']);
    });

    it('100 SIGTERMs in a burst: graceful (0) or forced (143), within the budget, no handler twice', async () => {
      const run = launch({ JOB_SECONDS: '1' });
      await waitForEvent(run.eventsFile, 'job:start');
      const signalledAt = performance.now();
      for (let i = 0; i < 100; i++) run.proc.child.kill('SIGTERM');
      const exit = await exitWithin(run.proc, signalledAt, 20_000);
      // The kernel and CPython coalesce pending signals, so one or several may be seen.
      expect([0, 143]).toContain(exit.code);
      expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
      const handlers = handlersIn(events(run.eventsFile));
      expect(new Set(handlers).size).toBe(handlers.length);
      if (exit.code === 0) expect(handlers).toEqual(['handler:queue', 'handler:database']);
    });

    it('an exception while stopping: exit 1 (Python), the handlers still ran once', async () => {
      const { exit, seen, proc } = await stopDuringJob({ FAULT: 'raise-after-signal' });
      expect(exit.code).toBe(1);
      expect(proc.output()).toContain('the program failed while stopping');
      expect(handlersIn(seen)).toEqual(['handler:queue', 'handler:database']);
      expect(exit.ms).toBeLessThan(BUDGET_S * 1000);
    });
  });
});

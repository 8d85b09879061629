/**
 * Issue 4's worker behaviour through the real CLI (`--yes`, then the one hand edit registering
 * handlers): the CLI wires setup_signal_handlers() and rewrites the job loop's `while True:` to
 * `while not shutdown_requested():`, so on SIGTERM the job in hand finishes, no new job starts,
 * the handlers run newest first and the process exits 0 within the budget; a hanging handler is
 * cut at its timeout; a second SIGTERM during a long handler ends the process at once.
 */
import { afterAll, describe, it } from 'vitest';
import { cleanUp, events, exitWithin, waitForEvent } from '../python-module/helpers.js';
import { BUDGET_MS, markerLines, prepare, pyString, registerLine, startWorker, WORKERS, type WorkerCase } from './helpers.js';

afterAll(cleanUp);

/** A handler that notes it started, then blocks for a minute (one expression: it fits the one-line edit). */
function slowHandler(name: string, marker: string, timeout?: number): string {
  const limit = timeout === undefined ? '' : `, timeout=${timeout}`;
  return `register_shutdown_handler(${pyString(name)}, lambda: (open(${pyString(marker)}, "a").write(${pyString(`${name}\n`)}), __import__("time").sleep(60))${limit})`;
}

async function sigtermDuringJob(c: WorkerCase, line: (marker: string) => string) {
  const repo = await prepare(c.repo, c.entry, line);
  if (repo.first.code !== 0) throw new Error(`CLI failed:\n${repo.first.stdout}\n${repo.first.stderr}`);
  const proc = startWorker(c, repo);
  await waitForEvent(repo.eventsFile, 'job 1 start');
  const since = performance.now();
  process.kill(proc.child.pid!, 'SIGTERM');
  return { repo, proc, since };
}

describe.concurrent.each(WORKERS)('$repo after the CLI', (c) => {
  it('SIGTERM: the job in hand finishes, no new job starts, handlers run newest first, exit 0', async ({ expect }) => {
    const { repo, proc, since } = await sigtermDuringJob(
      c,
      (m) => `${registerLine('first', m, 'first')}; ${registerLine('second', m, 'second')}`,
    );
    const exit = await exitWithin(proc, since, BUDGET_MS + 5000);
    expect({ code: exit.code, signal: exit.signal }, proc.output()).toEqual({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(BUDGET_MS);
    expect(events(repo.eventsFile)).toEqual(['job 1 start', 'job 1 done']);
    expect(markerLines(repo.marker)).toEqual(['second', 'first']);
  });

  it('a hanging handler is cut at its timeout and the next one still runs', async ({ expect }) => {
    // "hang" is registered last, so it runs first; its timeout=1 must not hold "after" back.
    const { repo, proc, since } = await sigtermDuringJob(c, (m) => `${registerLine('after', m, 'after')}; ${slowHandler('hang', m, 1)}`);
    const exit = await exitWithin(proc, since, BUDGET_MS + 5000);
    expect({ code: exit.code, signal: exit.signal }, proc.output()).toEqual({ code: 0, signal: null });
    expect(markerLines(repo.marker)).toEqual(['hang', 'after']);
    // The rest of the job (< 1 s) plus the 1 s timeout: far from the 60 s the handler wanted.
    expect(exit.ms).toBeGreaterThan(900);
    expect(exit.ms).toBeLessThan(BUDGET_MS);
  });

  it('a second SIGTERM during a long handler ends the process at once', async ({ expect }) => {
    const { repo, proc } = await sigtermDuringJob(c, (m) => `${registerLine('first', m, 'first')}; ${slowHandler('slow', m)}`);
    await waitForEvent(repo.marker, 'slow');
    const since = performance.now();
    process.kill(proc.child.pid!, 'SIGTERM');
    const exit = await exitWithin(proc, since, 5000);
    // 143 = 128 + SIGTERM, from the module's second-signal exit; a process whose event loop has
    // already closed dies of the signal itself, which a shell also reports as 143.
    expect(exit.code === 143 || (exit.code === null && exit.signal === 'SIGTERM'), `${exit.code}/${exit.signal}\n${proc.output()}`).toBe(
      true,
    );
    expect(exit.ms).toBeLessThan(2000);
    expect(markerLines(repo.marker)).toEqual(['slow']);
  });
});

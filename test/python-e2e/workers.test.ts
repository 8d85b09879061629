/**
 * Python workers end to end through the real CLI: a blocking worker (`python worker.py`, a
 * `while True` job loop under `if __name__ == "__main__":`) and an asyncio worker
 * (`asyncio.run(main())`). The CLI runs with --yes on a copy; the one hand edit registers two
 * handlers on one line. What holds with the CLI as it is:
 * - the CLI picks the right module variant and wires the entry module, without errors;
 * - a second run says "Nothing to do" and changes no byte;
 * - the job loop's `while True:` becomes `while keep_running():` (no warning about it);
 * - a second SIGTERM while the job is in hand ends the process at once with 143.
 * The first-SIGTERM behaviour (job in hand finishes, handlers newest first, a hanging handler cut
 * at its timeout, a second SIGTERM during a long handler) is in workers-shutdown.test.ts.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { cleanUp, exitWithin, waitForEvent } from '../python-module/helpers.js';
import { addedLines, prepare, registerLine, rerun, startWorker, WORKERS, type PreparedRepo } from './helpers.js';

afterAll(cleanUp);

/** Two handlers in the one hand-edit line: the order they run in is the check. */
const TWO_HANDLERS = (marker: string): string => `${registerLine('first', marker, 'first')}; ${registerLine('second', marker, 'second')}`;

describe.concurrent.each(WORKERS)('$repo', (c) => {
  let repo: PreparedRepo;
  beforeAll(async () => {
    repo = await prepare(c.repo, c.entry, TWO_HANDLERS);
  });

  it(`the CLI writes the ${c.mode} module and wires ${c.entry} without errors`, async ({ expect }) => {
    const { first, edit } = repo;
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain(`  .: Python ${c.mode}, ${c.entry}\n`);
    expect(first.stdout).toMatch(new RegExp(`create\\s+signal_handlers\\.py\\s.*shutdown registry \\(${c.mode}\\)`));
    expect(first.stdout).toMatch(/update\s+worker\.py\s.*call setup_signal_handlers\(\)/);
    expect(first.stdout).toMatch(/^Done: \d+ files? written\./m);
    expect(first.stdout).not.toMatch(/job loop/);
    expect(repo.wired).toMatch(/^[ \t]+while keep_running\(\):$/m);
    expect(repo.wired).not.toMatch(/while True/);
    await expect(repo.wired).toMatchFileSnapshot(`../../snapshots/python-e2e/${c.repo}/${c.entry}`);
    const added = addedLines(edit.before, edit.after);
    expect(added).toHaveLength(2);
    expect(added[0]).toBe('from signal_handlers import setup_signal_handlers, keep_running, register_shutdown_handler');
    expect(added[1]).toMatch(/^register_shutdown_handler\("first", .*; register_shutdown_handler\("second", /);
  });

  it('a second CLI run (after the hand edit) says "Nothing to do" and changes no byte', async ({ expect }) => {
    expect(repo.first.code).toBe(0);
    const again = await rerun(repo.dir);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Nothing to do/m);
    expect(again.changed).toEqual([]);
  });

  it('a second SIGTERM while the job is in hand ends the process at once with 143', async ({ expect }) => {
    expect(repo.first.code).toBe(0);
    const proc = startWorker(c, repo);
    await waitForEvent(repo.eventsFile, 'job 1 start');
    process.kill(proc.child.pid!, 'SIGTERM');
    // Well inside the 1 s job: the first request is still pending when the second arrives.
    await new Promise((r) => setTimeout(r, 300));
    const since = performance.now();
    process.kill(proc.child.pid!, 'SIGTERM');
    const exit = await exitWithin(proc, since, 5000);
    expect({ code: exit.code, signal: exit.signal }, proc.output()).toEqual({ code: 143, signal: null });
    expect(exit.ms).toBeLessThan(2000);
  });
});

/**
 * Ctrl+C: a real SIGINT to the verify process while the app it started is being stopped, and while
 * a baseline runs in its temporary worktree. verify exits 130, and no process it started survives.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { hashTree } from '../helpers/tree.js';
import { applyYes, cleanupRepos, freePort, git, gitRepo, listening, prepareRepo, sleep, startVerify, survivors } from './helpers.js';

afterAll(cleanupRepos);

/** Survivors can take a moment to be reaped after SIGKILL: look until the kernel has ended them (bounded by 50 looks). */
async function noSurvivors(dir: string, prefix = false): Promise<string[]> {
  let left = survivors(dir, prefix);
  for (let i = 0; i < 50 && left.length > 0; i++) {
    await sleep(20);
    left = survivors(dir, prefix);
  }
  return left;
}

describe('verify interrupted with Ctrl+C', () => {
  it('during the stop grace: exit 130, the app (PID 1 of its namespace) is ended, the repository unchanged', async () => {
    const dir = prepareRepo('express-api');
    const tree = hashTree(dir);
    const port = await freePort();
    const run = startVerify([dir, '--port', String(port)]);
    // The unmodified app ignores SIGTERM as PID 1: verify would wait 10 s for it.
    await run.waitFor(/SIGTERM to PID 1/);
    expect(survivors(dir).length).toBeGreaterThan(0);
    process.kill(run.pid, 'SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/interrupted; every process verify started has been ended/);
    expect(await noSurvivors(dir)).toEqual([]);
    expect(await listening(port)).toBe(false);
    expect(hashTree(dir)).toEqual(tree);
  }, 60_000);

  it('during the baseline run: exit 130, nothing left in the temporary worktree, which is removed', async () => {
    const dir = prepareRepo('express-api');
    gitRepo(dir);
    applyYes(dir);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'graceful shutdown');
    const port = await freePort();
    const run = startVerify([dir, '--baseline', 'HEAD~1', '--port', String(port)]);
    await run.waitFor(/HEAD~1 \([0-9a-f]+\): up;/);
    const worktree = /in a temporary worktree, (\S+)/.exec(await run.stderrSoFar())![1]!;
    expect(survivors(worktree).length).toBeGreaterThan(0);
    process.kill(run.pid, 'SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    // Processes in a removed directory show it as "<dir> (deleted)": the prefix look catches them too.
    expect(await noSurvivors(worktree, true)).toEqual([]);
    expect(existsSync(worktree)).toBe(false);
    expect(await noSurvivors(dir)).toEqual([]);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(await listening(port)).toBe(false);
  }, 90_000);
});

/**
 * `--baseline HEAD~1` in a real git repository whose last commit added graceful shutdown (the CLI's
 * own --yes): both runs are printed side by side, the report holds the comparison, and the
 * repository (work tree, index, refs, worktrees) is exactly as before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashTree } from '../helpers/tree.js';
import { applyYes, cleanupRepos, freePort, git, gitRepo, listening, prepareRepo, startVerify, survivors } from './helpers.js';

const out = mkdtempSync(join(tmpdir(), 'cgs-verify-report-'));
afterAll(() => {
  cleanupRepos();
  rmSync(out, { recursive: true, force: true });
});

describe('verify --baseline', () => {
  it('HEAD~1 before graceful shutdown, the working tree after: both runs side by side, repository untouched', async () => {
    const dir = prepareRepo('express-api');
    gitRepo(dir);
    applyYes(dir);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'graceful shutdown');
    const tree = hashTree(dir);
    const head = git(dir, 'rev-parse', 'HEAD');
    const worktrees = git(dir, 'worktree', 'list', '--porcelain');
    const refs = git(dir, 'for-each-ref');
    const port = await freePort();
    const report = join(out, 'pr.md');

    const run = startVerify([dir, '--baseline', 'HEAD~1', '--report', report, '--port', String(port)]);
    const r = await run.done;
    const worktree = /in a temporary worktree, (\S+)/.exec(r.stderr)?.[1];
    expect(worktree, r.stderr).toBeDefined();

    // The working tree drains: exit 0, whatever the baseline did.
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const header = r.stdout.split('\n').find((l) => l.includes('HEAD~1 (') && l.includes('working tree'));
    expect(header, r.stdout).toBeDefined();
    // Baseline column first: the app ignores SIGTERM as PID 1 and loses what it was serving at the kill.
    const lost = /^lost\s+(\d+)\b.*?\s{2,}(\d+)\s*$/m.exec(r.stdout);
    expect(lost, r.stdout).not.toBeNull();
    expect(Number(lost![1])).toBeGreaterThan(0);
    expect(Number(lost![2])).toBe(0);
    expect(r.stdout).toMatch(/^killed\s+yes, at 10 s\s+no\s*$/m);
    expect(r.stdout).toMatch(/^result\s+FAIL: .*lost.*\s{2,}pass\s*$/m);
    expect(r.stdout).toContain('command: node server.js (Dockerfile CMD)');
    expect(r.stdout).toContain('command: /usr/bin/tini -- node server.js (Dockerfile ENTRYPOINT + CMD)');

    const md = readFileSync(report, 'utf8');
    expect(md).toMatch(/\| \| HEAD~1 \([0-9a-f]{7}\) \| working tree \|/);
    expect(md).toMatch(/\| lost \| [1-9]\d*[^|]*\| 0 \|/);

    // Nothing in the repository changed, no temporary worktree or process is left.
    expect(hashTree(dir)).toEqual(tree);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(dir, 'worktree', 'list', '--porcelain')).toBe(worktrees);
    expect(git(dir, 'for-each-ref')).toBe(refs);
    expect(existsSync(worktree!)).toBe(false);
    expect(survivors(dir)).toEqual([]);
    expect(survivors(worktree!, true)).toEqual([]);
    expect(await listening(port)).toBe(false);
  }, 120_000);
});

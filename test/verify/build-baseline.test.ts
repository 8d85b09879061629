/**
 * --baseline with --build: a TypeScript repo (NestJS) whose build output is not in git is built in
 * the temporary worktree before it is measured; without --build the missing build is named.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hashTree, runCli } from '../helpers/tree.js';
import { applyYes, buildTs, cleanupRepos, git, gitRepo, prepareRepo, startVerify, type VerifyJson } from './helpers.js';

afterAll(cleanupRepos);

function nestRepoWithShutdownCommit(): string {
  const dir = prepareRepo('nest-api');
  gitRepo(dir);
  applyYes(dir);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'graceful shutdown');
  // The working tree is built as CI builds it; dist/ is ignored by git.
  buildTs(dir);
  return dir;
}

describe('verify --baseline --build', () => {
  it("without --build, the baseline's missing build is one line naming --build", () => {
    const dir = nestRepoWithShutdownCommit();
    const r = runCli(['verify', dir, '--baseline', 'HEAD~1']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /^create-graceful-shutdown: --baseline HEAD~1: dist\/main \(run by Dockerfile CMD\) does not exist at that ref: add --build/,
    );
  });

  it('with --build, the baseline is built in its worktree and measured (the unmodified NestJS app is killed at 10 s)', async () => {
    const dir = nestRepoWithShutdownCommit();
    const tree = hashTree(dir);
    const run = startVerify([dir, '--baseline', 'HEAD~1', '--build', '--json']);
    const r = await run.done;
    expect(r.stderr).toMatch(/baseline: npm run build/);
    const json = JSON.parse(r.stdout) as VerifyJson;
    expect(json.baseline).not.toBeNull();
    expect(json.baseline!.killed).toBe(true);
    expect(json.baseline!.lost).toBeGreaterThan(0);
    expect(json.baseline!.command).toEqual(['node', 'dist/main']);
    expect(hashTree(dir)).toEqual(tree);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  }, 150_000);
});

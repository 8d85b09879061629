/** The dirty-tree refusal and --force, in real git repositories. */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOS, cleanupCopies, copyRepo, hashTree } from '../helpers/tree.js';
import { MANIFEST, cgs, read, requireBuild, write } from './upgrade-helpers.js';
import { uncommitted } from '../../src/upgrade/git.js';

const extra: string[] = [];
beforeAll(requireBuild);
afterAll(() => {
  cleanupCopies();
  for (const d of extra.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Isolated from the machine's git config: no global hooks, a fixed identity. */
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};
function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function commitAll(dir: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'snapshot');
}
function gitRepo(fixture: string): string {
  const dir = copyRepo(fixture);
  git(dir, 'init', '-q');
  commitAll(dir);
  return dir;
}

describe('uncommitted changes', { timeout: 300_000 }, () => {
  it('a clean repository: the run goes ahead without a warning', () => {
    const dir = gitRepo('node-http-cjs');
    const r = cgs(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'shutdown.js'))).toBe(true);
    expect(r.stdout).not.toContain('not a git repository');
  });

  it('refuses, in one stderr line naming the files, and writes nothing; --force goes ahead', () => {
    const dir = gitRepo('node-http-cjs');
    write(dir, 'server.js', `${read(dir, 'server.js')}// work in progress\n`);
    const before = hashTree(dir);
    const r = cgs(dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'create-graceful-shutdown: refusing to change files with uncommitted changes: server.js (commit or stash them first, or pass --force)',
    ]);
    expect(hashTree(dir)).toEqual(before);

    const forced = cgs(dir, ['--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(read(dir, 'server.js')).toContain('// work in progress\n');
    expect(existsSync(join(dir, 'shutdown.js'))).toBe(true);
    expect(forced.stdout).toContain('warning: changed despite uncommitted changes (--force): server.js');
  });

  it('only files the run changes count: other uncommitted work does not block it', () => {
    const dir = gitRepo('node-http-cjs');
    write(dir, 'notes.txt', 'untracked scratch\n');
    write(dir, 'package.json', `${read(dir, 'package.json')}\n`);
    const r = cgs(dir);
    expect(r.code, r.stderr).toBe(0);
  });

  it('an upgrade over generated files never committed is refused: they are untracked work', () => {
    const dir = gitRepo('node-http-cjs');
    expect(cgs(dir, ['--only', 'module'], { version: 'v1' }).code).toBe(0);
    const before = hashTree(dir);
    const r = cgs(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`uncommitted changes: shutdown.js, ${MANIFEST} (`);
    expect(hashTree(dir)).toEqual(before);
    commitAll(dir);
    const after = cgs(dir);
    expect(after.code, after.stderr).toBe(0);
    expect(read(dir, 'shutdown.js')).not.toContain('OLDER TEMPLATE SET v1');
  });

  it('the repository may be a parent of the treated directory', () => {
    const top = mkdtempSync(join(tmpdir(), 'cgs-git-parent-'));
    extra.push(top);
    cpSync(join(REPOS, 'node-http-cjs'), join(top, 'services', 'api'), { recursive: true });
    git(top, 'init', '-q');
    commitAll(top);
    const app = join(top, 'services', 'api');
    expect(uncommitted(app, ['server.js', 'shutdown.js'])).toEqual({ kind: 'repo', dirty: [] });
    write(app, 'server.js', `${read(app, 'server.js')}// wip\n`);
    expect(uncommitted(app, ['server.js', 'shutdown.js'])).toEqual({ kind: 'repo', dirty: ['server.js'] });
    const r = cgs(app);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('uncommitted changes: server.js (');
  });

  it('outside git: a warning, and the run goes ahead', () => {
    const dir = copyRepo('node-http-cjs');
    expect(uncommitted(dir, ['server.js'])).toEqual({ kind: 'not-a-repo' });
    const r = cgs(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('warning: not a git repository: could not check the files for uncommitted changes');
  });
});

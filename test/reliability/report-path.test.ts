/**
 * #15 item 1: --report writes only a file the plan does not touch, never through a symlink, never
 * over a tracked file (or any file in the repository) unless it is a report the tool wrote before;
 * --dry-run writes nothing in the repository at all (a report path inside it is refused, one
 * outside is written and said). Every refusal: exit 2, one line naming --report, nothing written.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, cleanupTemps, fingerprint, fixtureCopy, runCli, tempDir } from './harness.js';

afterAll(cleanupTemps);

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], { cwd: dir, stdio: 'ignore' });
}

/** The base app as a committed git repo, with a README and a committed link to a file outside. */
function repo(): { dir: string; outside: string } {
  const dir = fixtureCopy('base-node-app', 'report');
  const outside = tempDir('report-outside');
  writeFileSync(join(outside, 'target.md'), 'precious\n');
  writeFileSync(join(dir, 'README.md'), '# app\n');
  symlinkSync(join(outside, 'target.md'), join(dir, 'NOTES.md'));
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  return { dir, outside };
}

function refused(args: (dir: string) => string[], line: RegExp): void {
  const { dir, outside } = repo();
  const before = { in: fingerprint(dir), out: fingerprint(outside) };
  const r = runCli(args(dir));
  expect(r.code, r.stdout + r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(line);
  expect(changedPaths(before.in, fingerprint(dir))).toEqual([]);
  expect(changedPaths(before.out, fingerprint(outside))).toEqual([]);
  expect(r.stdout).not.toContain('Dry run: nothing was written');
}

describe('--report never writes where it must not', () => {
  it('through a committed symlink out of the repo (real run): refused, the target untouched, nothing written', () => {
    refused((d) => [d, '--yes', '--report', join(d, 'NOTES.md')], /--report: .*NOTES\.md goes through a symlink/);
  });
  it('through a committed symlink with --dry-run: refused (inside the repository)', () => {
    refused(
      (d) => [d, '--yes', '--dry-run', '--report', join(d, 'NOTES.md')],
      /--report: .*NOTES\.md is inside the repository, and --dry-run writes nothing there/,
    );
  });
  it('the entrypoint the plan edits: refused, uncommitted work kept', () => {
    const { dir } = repo();
    writeFileSync(join(dir, 'server.js'), `${readFileSync(join(dir, 'server.js'), 'utf8')}// my uncommitted work\n`);
    const before = fingerprint(dir);
    const r = runCli([dir, '--yes', '--force', '--report', join(dir, 'server.js')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--report: .*server\.js is a file this run changes; give another path/);
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });
  it('the manifest: refused', () => {
    refused(
      (d) => [d, '--yes', '--report', join(d, '.graceful-shutdown.json')],
      /--report: .*\.graceful-shutdown\.json is a file this run keeps its records in/,
    );
  });
  it('a tracked file that is not a report: refused', () => {
    refused(
      (d) => [d, '--yes', '--report', join(d, 'README.md')],
      /--report: .*README\.md already exists and is not a report this tool wrote/,
    );
  });
  it('--dry-run with a path inside the repository: refused', () => {
    refused(
      (d) => [d, '--yes', '--dry-run', '--report', join(d, 'pr.md')],
      /is inside the repository, and --dry-run writes nothing there; give a path outside it/,
    );
  });
  it('--dry-run with a path outside the repository: written and said, the repository untouched', () => {
    const { dir } = repo();
    const out = join(tempDir('report-out'), 'pr.md');
    const before = fingerprint(dir);
    const r = runCli([dir, '--yes', '--dry-run', '--report', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Report written to ${out}.`);
    expect(readFileSync(out, 'utf8')).toMatch(/^## Graceful shutdown/);
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });
  it('the report it wrote before, committed since: written again', () => {
    const { dir } = repo();
    const first = runCli([dir, '--yes', '--report', join(dir, 'pr.md')]);
    expect(first.code, first.stderr).toBe(0);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'shutdown');
    const again = runCli([dir, '--yes', '--report', join(dir, 'pr.md')]);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(join(dir, 'pr.md'))).toBe(true);
    expect(readFileSync(join(dir, 'pr.md'), 'utf8')).toContain('No file changes: everything is already in place.');
  });
});

/**
 * #15 item 5: line endings never look like edits. In a real git repo with core.autocrlf=true the
 * work tree has CRLF files and the index LF ones: --check on a clean checkout is green, an
 * upgrade with no user edits replaces the file cleanly (no conflict, the file keeps CRLF), and
 * what is committed from there passes --check in a clone without autocrlf.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemps, fixtureCopy, ROOT, runCli, tempDir } from './harness.js';

afterAll(cleanupTemps);

const TEMPLATES_V1 = join(ROOT, 'test', 'fixtures', 'upgrade', 'templates-v1');

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The base app, treated by the tool (templates v1 when asked), committed; then cloned with core.autocrlf=true. */
function crlfClone(version: 'v1' | 'v2'): { origin: string; clone: string } {
  const origin = fixtureCopy('base-node-app', 'eol-origin');
  git(origin, 'init', '-q');
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'app');
  const r = runCli([origin, '--yes'], { env: version === 'v1' ? { CGS_TEMPLATES_DIR: TEMPLATES_V1 } : {} });
  expect(r.code, r.stderr).toBe(0);
  git(origin, 'add', '-A');
  git(origin, 'commit', '-qm', 'graceful shutdown');
  const clone = join(tempDir('eol-clone'), 'repo');
  git(origin, '-c', 'core.autocrlf=true', 'clone', '-q', '--config', 'core.autocrlf=true', origin, clone);
  return { origin, clone };
}

function allCrlf(text: string): boolean {
  return text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
}

describe('core.autocrlf=true', () => {
  it('--check on a clean CRLF checkout is green', () => {
    const { clone } = crlfClone('v2');
    expect(allCrlf(readFileSync(join(clone, 'shutdown.js'), 'utf8'))).toBe(true);
    const check = runCli([clone, '--check']);
    expect(check.stdout).not.toContain('hand-edited');
    expect(check.code, check.stdout).toBe(0);
  });

  it('an upgrade without user edits replaces the file: no conflict, CRLF kept; a plain clone of the result passes --check', () => {
    const { clone } = crlfClone('v1');
    const r = runCli([clone, '--yes']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/conflict/);
    const text = readFileSync(join(clone, 'shutdown.js'), 'utf8');
    expect(text).not.toContain('<<<<<<<');
    expect(allCrlf(text)).toBe(true);
    expect(git(clone, 'status', '--porcelain')).not.toBe('');
    git(clone, 'add', '-A');
    git(clone, 'commit', '-qm', 'upgrade');
    const plain = join(tempDir('eol-plain'), 'repo');
    git(clone, '-c', 'core.autocrlf=false', 'clone', '-q', clone, plain);
    expect(readFileSync(join(plain, 'shutdown.js'), 'utf8')).not.toContain('\r');
    const check = runCli([plain, '--check']);
    expect(check.code, check.stdout).toBe(0);
    const again = runCli([clone, '--check']);
    expect(again.code, again.stdout).toBe(0);
  });
});

/**
 * #15 item 11: the permission cases pass from a checkout that other users cannot enter (a clone
 * under /root, any 0700 temp dir). They used to run the CLI as uid nobody, which cannot reach such
 * a checkout ("Cannot find module .../bin/create-graceful-shutdown.js"); they now run it as root
 * without the DAC capabilities (harness DROP_DAC), which obeys permission bits where it is.
 *
 * Here the built package is copied into a fresh mkdtemp dir (mode 0700) and the unreadable and
 * read-only cases are run from there.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, cleanupTemps, DROP_DAC, fingerprint, fixtureCopy, ROOT, tempDir } from './harness.js';

afterAll(cleanupTemps);

/** bin/, dist/, templates/ and package.json in a 0700 dir, node_modules linked. */
function privateCheckout(): string {
  const dir = tempDir('private-checkout');
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  for (const part of ['bin', 'dist', 'templates', 'package.json']) cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function run(pkg: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const argv = [...(process.getuid?.() === 0 ? DROP_DAC : []), process.execPath, join(pkg, 'bin', 'create-graceful-shutdown.js'), ...args];
  const env = { ...process.env };
  delete env['CI'];
  const r = spawnSync(argv[0] as string, argv.slice(1), { cwd: pkg, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('permission cases from a checkout under a 0700 directory', () => {
  const pkg = privateCheckout();

  it('a mode-000 entrypoint: the permission error, not "Cannot find module"', () => {
    const dir = fixtureCopy('base-node-app', 'private-unreadable');
    chmodSync(join(dir, 'server.js'), 0);
    const r = run(pkg, [dir, '--yes']);
    expect(r.stderr).not.toContain('Cannot find module');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /server\.js: cannot be read as UTF-8 text: it cannot be read \(EACCES: check its permissions\), so what it runs cannot be told; make it readable and run again/,
    );
  });

  it('a read-only repository: EACCES while writing, nothing changed', () => {
    const dir = fixtureCopy('base-node-app', 'private-read-only');
    writeFileSync(join(dir, 'README.md'), '# app\n');
    mkdirSync(join(dir, 'docs'));
    spawnSync('chmod', ['-R', 'a-w', dir]);
    const before = fingerprint(dir);
    const r = run(pkg, [dir, '--yes']);
    expect(r.stderr).not.toContain('Cannot find module');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /\.graceful-shutdown\.journal: writing failed \(EACCES: permission denied\); nothing was changed: make the repository writable/,
    );
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });
});

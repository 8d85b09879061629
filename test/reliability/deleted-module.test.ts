/**
 * #15 item 2: deleting the generated module is a decision for the whole feature. The user deletes
 * shutdown.js and takes its lines out of the entry: the next run keeps both out (and says so),
 * --check stays green. The user deletes shutdown.js but keeps the import: --check fails naming the
 * import that does not resolve, and a run says so on stderr and exits 1 (the app would crash with
 * "Cannot find module").
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, cleanupTemps, fingerprint, fixtureCopy, runCli } from './harness.js';

afterAll(cleanupTemps);

function wired(): { dir: string; original: string } {
  const dir = fixtureCopy('base-node-app', 'deleted-module');
  const original = readFileSync(join(dir, 'server.js'), 'utf8');
  const r = runCli([dir, '--yes']);
  expect(r.code, r.stderr).toBe(0);
  expect(readFileSync(join(dir, 'server.js'), 'utf8')).toMatch(/require\(["']\.\/shutdown/);
  return { dir, original };
}

describe('a deleted module stays deleted, and so does its import', () => {
  it('module and its lines removed by the user: not re-imported, said in the plan, --check green', () => {
    const { dir, original } = wired();
    rmSync(join(dir, 'shutdown.js'));
    writeFileSync(join(dir, 'server.js'), original);
    const r = runCli([dir, '--yes']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'server.js'), 'utf8')).toBe(original);
    expect(existsSync(join(dir, 'shutdown.js'))).toBe(false);
    expect(r.stdout).toMatch(/deleted +shutdown\.js: you deleted it, so it stays deleted/);
    expect(r.stdout).toMatch(/not wired server\.js: the module it would import was deleted by you, so its import is not added back/);
    // The app still starts: nothing requires a missing file.
    const node = spawnSync(
      process.execPath,
      ['-e', `require(${JSON.stringify(join(dir, 'server.js'))}); setTimeout(() => process.exit(0), 50)`],
      { encoding: 'utf8', env: { ...process.env, PORT: '0' } },
    );
    expect(node.stderr).not.toContain('Cannot find module');
    expect(node.status).toBe(0);
    const before = fingerprint(dir);
    const again = runCli([dir, '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
    const check = runCli([dir, '--check']);
    expect(check.code, check.stdout).toBe(0);
  });

  it('module deleted, import kept: --check fails naming the import; a run exits 1 saying so', () => {
    const { dir } = wired();
    rmSync(join(dir, 'shutdown.js'));
    const check = runCli([dir, '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/broken-import +server\.js: imports shutdown\.js, which does not exist: the app fails at start/);
    const r = runCli([dir, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /server\.js: imports shutdown\.js, which does not exist \(the app fails at start\): remove the import from server\.js, or remove the record of shutdown\.js from \.graceful-shutdown\.json/,
    );
    const again = runCli([dir, '--check']);
    expect(again.code).toBe(1);
  });
});

/**
 * #15 item 9 (and the bounds of item 10): each message names the file or flag and what to do.
 * A symlinked src/ is named in "found no app"; a manifest record through a symlink names the
 * manifest, not a "write" with --only advice; an answer recorded in the manifest is parsed like
 * the flag (out of range: the manifest is named, nothing written, compose and k8s untouched);
 * --shutdown-delay at or above the timeout is a usage error naming both flags; `--apps ,` and
 * `--only ,` are usage errors; a re-run with unresolved conflicts does not say "Nothing to do".
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changedPaths, cleanupTemps, fingerprint, fixtureCopy, ROOT, runCli, tempDir } from './harness.js';

afterAll(cleanupTemps);

const MANIFEST = '.graceful-shutdown.json';

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

function treated(fixture = 'base-node-app'): string {
  const dir = fixture === 'base-node-app' ? fixtureCopy(fixture, 'msg') : tempDir('msg-stack');
  if (fixture !== 'base-node-app') cpSync(join(ROOT, 'test', 'fixtures', 'repos', fixture), dir, { recursive: true });
  const r = runCli([dir, '--yes']);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

function editManifest(dir: string, fn: (m: Record<string, Record<string, unknown>>) => void): void {
  const m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Record<string, Record<string, unknown>>;
  fn(m);
  writeFileSync(join(dir, MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
}

describe('messages name the file or flag and the fix', () => {
  it('a symlinked src/: "found no app" says src is a symlink the tool never follows', () => {
    const dir = tempDir('msg-src-link');
    writeFileSync(join(dir, 'package.json'), '{\n  "name": "app",\n  "scripts": { "start": "node src/server.js" }\n}\n');
    const real = tempDir('msg-src-real');
    writeFileSync(join(real, 'server.js'), 'require("node:http").createServer().listen(3000);\n');
    symlinkSync(real, join(dir, 'src'));
    const r = runCli([dir, '--yes']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /found no Node or Python app with an entrypoint .*'src' is a symlink, which the tool never follows: replace it with the real directory/,
    );
  });

  it('a manifest record through a symlink: the manifest is named, no --only advice', () => {
    const dir = treated();
    const vendor = tempDir('msg-vendor');
    symlinkSync(vendor, join(dir, 'vendor'));
    editManifest(dir, (m) => {
      const gen = m['generated'] as Record<string, unknown>;
      gen['vendor/shutdown.js'] = gen['shutdown.js'];
    });
    const before = fingerprint(dir);
    for (const args of [
      [dir, '--yes'],
      [dir, '--check'],
    ]) {
      const r = runCli(args);
      expect(r.code).toBe(1);
      const line = oneLine(r.stderr);
      expect(line).toMatch(
        /\.graceful-shutdown\.json: records vendor\/shutdown\.js, but 'vendor' is a symlink, which the tool never follows: replace it with the real directory, or remove the record of vendor\/shutdown\.js from \.graceful-shutdown\.json/,
      );
      expect(line).not.toContain('--only');
    }
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });

  it('an out-of-range answer recorded in the manifest: parsed like --timeout, the manifest named, compose and k8s untouched', () => {
    const dir = treated('container-node-stack');
    editManifest(dir, (m) => {
      (m['answers'] as Record<string, unknown>)['timeoutMs'] = 2_000_000_000;
    });
    const before = fingerprint(dir);
    for (const args of [
      [dir, '--yes'],
      [dir, '--check'],
      [dir, '--yes', '--dry-run'],
    ]) {
      const r = runCli(args);
      expect(r.code, r.stdout).toBe(1);
      expect(oneLine(r.stderr)).toMatch(
        /\.graceful-shutdown\.json: answers\.timeoutMs \(recorded by an earlier run\): must be between 100 and 600000, got 2000000000; fix it there, or pass --timeout \(or --reconfigure\) to answer again/,
      );
    }
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
    expect(readFileSync(join(dir, 'docker-compose.yml'), 'utf8')).not.toContain('2000000');
    // The flag overrides the bad record.
    const fixed = runCli([dir, '--yes', '--timeout', '9000']);
    expect(fixed.code, fixed.stderr).toBe(0);
  });

  it('--shutdown-delay at or above the timeout: exit 2 naming both flags', () => {
    const dir = fixtureCopy('base-node-app', 'msg-delay');
    const before = fingerprint(dir);
    const r = runCli([dir, '--yes', '--shutdown-delay', '9000']);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(
      /--shutdown-delay \(9000 ms\) must be below the default --timeout \(8000 ms\).*lower --shutdown-delay or raise --timeout/,
    );
    const both = runCli([dir, '--yes', '--shutdown-delay', '5000', '--timeout', '5000']);
    expect(both.code).toBe(2);
    expect(oneLine(both.stderr)).toMatch(/--shutdown-delay \(5000 ms\) must be below --timeout \(5000 ms\)/);
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });

  it.each([['--apps'], ['--only']])('%s , names nothing: exit 2, not "Nothing to do"', (flag) => {
    const dir = fixtureCopy('base-node-app', 'msg-empty-list');
    const r = runCli([dir, '--yes', flag, ',']);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('Nothing to do');
    expect(oneLine(r.stderr)).toMatch(new RegExp(`${flag} names nothing \\(got ','\\); give one or more, comma-separated`));
  });

  it('a re-run with conflicts left unresolved: not "Nothing to do", exit 1 naming the file', () => {
    const dir = treated();
    const text = readFileSync(join(dir, 'shutdown.js'), 'utf8');
    writeFileSync(
      join(dir, 'shutdown.js'),
      `<<<<<<< ours (your edits)\n// mine\n||||||| base\n=======\n// theirs\n>>>>>>> theirs\n${text}`,
    );
    // The first re-run records the hand edit in the manifest; the second has nothing to write.
    expect(runCli([dir, '--yes']).code).toBe(1);
    const r = runCli([dir, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('Nothing to do');
    expect(r.stdout).toContain('Nothing to write; what is left needs you (see below).');
    expect(oneLine(r.stderr)).toMatch(/merge conflicts in shutdown\.js: resolve the <<<<<<< markers, then run again/);
  });
});

describe('-- ends option parsing', () => {
  it('a directory named like an option after --', () => {
    const parent = tempDir('msg-dashdash');
    const dir = join(parent, '-app');
    mkdirSync(dir);
    cpSync(join(ROOT, 'test', 'fixtures', 'bad-input', 'base-node-app'), dir, { recursive: true });
    const r = runCli(['--yes', '--', '-app'], { cwd: parent });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'server.js'), 'utf8')).toMatch(/require\(["']\.\/shutdown/);
  });
});

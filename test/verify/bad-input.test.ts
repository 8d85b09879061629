/**
 * Bad input: one clear line on stderr naming what to do, a non-zero exit (2 for usage), nothing
 * written in the repository, and no process left behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashTree, runCli } from '../helpers/tree.js';
import { cleanupRepos, gitRepo, prepareRepo, survivors } from './helpers.js';

const empty = mkdtempSync(join(tmpdir(), 'cgs-verify-empty-'));
afterAll(() => {
  cleanupRepos();
  rmSync(empty, { recursive: true, force: true });
});

/** stderr holds exactly one line (no progress was printed before the error). */
function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

describe('verify: bad input', () => {
  it('no app in the directory', () => {
    const r = runCli(['verify', empty]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/found no Node or Python app .*pass --command/);
    expect(hashTree(empty)).toEqual({});
  });

  it('a directory that does not exist is a usage error', () => {
    const r = runCli(['verify', join(empty, 'nope')]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/no such directory/);
  });

  it('a command that is not installed', () => {
    const dir = prepareRepo('express-api');
    const tree = hashTree(dir);
    const r = runCli(['verify', dir, '--command', 'no-such-server-xyz --port 1']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      'create-graceful-shutdown: command not found: no-such-server-xyz (from --command); install it or pass --command "<how production starts it>"',
    );
    expect(hashTree(dir)).toEqual(tree);
  });

  it('a build that is missing (the Dockerfile runs dist/main, which is not built)', () => {
    const dir = prepareRepo('nest-api');
    const tree = hashTree(dir);
    const r = runCli(['verify', dir]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/dist\/main \(run by Dockerfile CMD\) does not exist: build the app first/);
    expect(hashTree(dir)).toEqual(tree);
  });

  it('a port that never answers: says what it tried, ends the app', () => {
    const dir = prepareRepo('express-api');
    const tree = hashTree(dir);
    // Runs, but listens nowhere: 2 s of waiting is the work this test waits for.
    const r = runCli(['verify', dir, '--command', 'node -e "setInterval(() => {}, 1000)"', '--startup-timeout', '2'], {
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(1);
    const last = r.stderr.trim().split('\n').pop()!;
    expect(last).toMatch(
      /^create-graceful-shutdown: no answer on http:\/\/127\.0\.0\.1:\d+\/ \(or \[::1\]\) after 2 s \(\d+ tries, last: ECONNREFUSED\); does the app listen on \$PORT=\d+\? pass --port/,
    );
    expect(survivors(dir)).toEqual([]);
    expect(hashTree(dir)).toEqual(tree);
  });

  it('an app that exits before answering: its exit and last line', () => {
    const dir = prepareRepo('express-api');
    writeFileSync(join(dir, 'crash.js'), "console.error('config: DATABASE_URL is not set'); process.exit(3);\n");
    const tree = hashTree(dir);
    const r = runCli(['verify', dir, '--command', 'node crash.js']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').pop()).toMatch(
      /the app exited with code 3 before answering on port \d+; its last line: config: DATABASE_URL is not set/,
    );
    expect(hashTree(dir)).toEqual(tree);
  });

  it('a --baseline ref that does not exist', () => {
    const dir = prepareRepo('express-api');
    gitRepo(dir);
    const r = runCli(['verify', dir, '--baseline', 'no-such-branch']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/--baseline no-such-branch: no such commit in this repository/);
  });

  it.each([
    [['--connections', 'many'], /--connections must be a whole number/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['--build'], /--build builds the --baseline worktree/],
    [['--path', 'health'], /--path must start with '\/'/],
    [['--stop-signal', 'SIGNOPE'], /is not a signal/],
    [['--port'], /--port needs a value/],
  ])('usage error %j', (args, message) => {
    const r = runCli(['verify', empty, ...args]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(message);
  });

  it('verify --help', () => {
    const r = runCli(['verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: create-graceful-shutdown verify \[dir\]/);
    for (const flag of [
      '--command',
      '--port',
      '--path',
      '--connections',
      '--concurrency',
      '--ws',
      '--baseline',
      '--build',
      '--report',
      '--json',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});

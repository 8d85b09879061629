/**
 * Progress while verify runs: plain lines on stderr without a TTY, a spinner redrawn in place on a
 * TTY (a real pseudo-terminal from util-linux `script`), never on stdout, where the report goes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, runCli } from '../helpers/tree.js';
import { cleanupRepos, prepareRepo } from './helpers.js';

afterAll(cleanupRepos);

// An app that starts and never listens: verify waits the 2 s startup timeout, showing progress.
const NEVER_LISTENS = ['--command', 'node -e "setInterval(() => {}, 1000)"', '--startup-timeout', '2'];

describe('verify: progress', () => {
  it('without a TTY: plain lines on stderr', () => {
    const dir = prepareRepo('express-api');
    const r = runCli(['verify', dir, ...NEVER_LISTENS]);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^verify: command: node -e setInterval/);
    expect(lines).toContainEqual(expect.stringMatching(/^verify: working tree: waiting for an answer on :\d+\/$/));
    expect(r.stderr).not.toContain('\r');
  });

  it('on a TTY: a spinner redrawn in place, cleared before the result', () => {
    const dir = prepareRepo('express-api');
    const command = [process.execPath, BIN, 'verify', dir, ...NEVER_LISTENS].map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout).toMatch(/\r\x1b\[K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] working tree: waiting for an answer/);
    // Redrawn many times over the 2 s wait (every 100 ms), not printed as lines.
    expect((r.stdout.match(/\r\x1b\[K[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g) ?? []).length).toBeGreaterThan(5);
    expect(r.stdout).not.toMatch(/^verify: /m);
    expect(r.stdout).toMatch(/create-graceful-shutdown: no answer on/);
  });
});

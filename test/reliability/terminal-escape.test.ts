/**
 * #15 item 8: repo strings reach the terminal escaped everywhere, warnings and plans included,
 * not only in errors: a file name or a start script holding ESC sequences cannot clear the screen,
 * retitle the window or hide text.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTemps, fixtureCopy, runCli } from './harness.js';

afterAll(cleanupTemps);

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

describe('terminal escapes from the repository', () => {
  it('a symlink named with ESC sequences (in a warning): printed escaped, in the dry run and the real run', () => {
    const dir = fixtureCopy('base-node-app', 'escape');
    symlinkSync('/nonexistent', join(dir, 'x\u001b[2J\u001b]0;pwned\u0007'));
    for (const args of [
      [dir, '--yes', '--dry-run'],
      [dir, '--yes'],
    ]) {
      const r = runCli(args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(CONTROL);
      expect(r.stdout).toContain('x\\x1b[2J\\x1b]0;pwned\\x07');
    }
  });
});

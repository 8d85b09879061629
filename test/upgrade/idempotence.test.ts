/** Five runs in a row leave the same bytes as one: on a first run, and after an upgrade that merged a user edit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupCopies, copyRepo, hashTree } from '../helpers/tree.js';
import { USER_BLOCK, cgs, insertAfter, quietAnchor, read, requireBuild, write } from './upgrade-helpers.js';

beforeAll(requireBuild);
afterAll(cleanupCopies);

function fourMoreRuns(dir: string, after: Record<string, string>): void {
  for (let i = 2; i <= 5; i++) {
    const r = cgs(dir);
    expect(r.code, `run ${i}: ${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('Nothing to do');
    expect(hashTree(dir), `tree after run ${i}`).toEqual(after);
  }
}

describe('idempotence', { timeout: 300_000 }, () => {
  it('every part (module, entrypoint edit, Dockerfile, manifest): runs 2 to 5 change nothing', () => {
    const dir = copyRepo('node-http-cjs');
    const before = hashTree(dir);
    const first = cgs(dir);
    expect(first.code, first.stderr).toBe(0);
    const after = hashTree(dir);
    expect(Object.keys(after).length).toBeGreaterThan(Object.keys(before).length);
    expect(after['server.js']).not.toBe(before['server.js']);
    fourMoreRuns(dir, after);
  });

  it('after an upgrade that merged a user edit: runs 2 to 5 change nothing', () => {
    const dir = copyRepo('express-ts-esm');
    expect(cgs(dir, ['--only', 'module,entrypoint'], { version: 'v1' }).code).toBe(0);
    const file = 'src/shutdown.ts';
    const v1 = read(dir, file);
    const fresh = copyRepo('express-ts-esm');
    expect(cgs(fresh, ['--only', 'module,entrypoint']).code).toBe(0);
    const anchor = quietAnchor(v1, read(fresh, file));
    write(dir, file, insertAfter(v1, anchor, USER_BLOCK));

    const upgrade = cgs(dir);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(read(dir, file)).toBe(insertAfter(read(fresh, file), anchor, USER_BLOCK));
    // The entrypoint edit ran again over an already wired file: wired once, exactly as on a first run.
    expect(read(dir, 'src/server.ts')).toBe(read(fresh, 'src/server.ts'));
    expect(read(dir, 'src/server.ts')).not.toBe(read(copyRepo('express-ts-esm'), 'src/server.ts'));
    fourMoreRuns(dir, hashTree(dir));
  });
});

/**
 * The Node < 22.1 code cache of the CLI's bundle and ts-morph (src/cli/code-cache.ts, installed by bin/):
 * written outside the repo, in a folder only this user can write; a warm, a cold and a corrupt cache print
 * byte-identical runs, the same as the unbundled CLI's; a folder others could plant code in is never used.
 * Each run gets its own TMPDIR, so the cache is this test's alone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import module from 'node:module';
import { main } from '../../src/cli/main.js';
import { cleanupCopies, copyRepo, hashTree, runCli } from '../helpers/tree.js';

const work = mkdtempSync(join(tmpdir(), 'cgs-code-cache-'));
afterAll(() => {
  cleanupCopies();
  rmSync(work, { recursive: true, force: true });
});

/** Node has its own compile cache from 22.1 (bin/ turns it on): there the tool keeps none of its own. */
const toolCaches = typeof (module as { enableCompileCache?: unknown }).enableCompileCache !== 'function';
const root = (tmp: string) => join(tmp, `create-graceful-shutdown-code-cache-${process.getuid?.() ?? 'user'}`);
const cached = (tmp: string): string[] => {
  try {
    return readdirSync(root(tmp), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
};

describe('code cache where Node has no compile cache of its own (and none where it has)', () => {
  it('cold, warm, corrupt and off give the same bytes; the cache sits in TMPDIR, not in the repo', async () => {
    const tmp = mkdtempSync(join(work, 'tmp-'));
    if (!toolCaches) {
      const r = runCli([copyRepo('express-ts-esm'), '--yes', '--dry-run'], { env: { CI: 'true', TMPDIR: tmp } });
      expect(r.code, r.stderr).toBe(0);
      expect(cached(tmp)).toEqual([]);
      return;
    }
    const dir = copyRepo('express-ts-esm');
    const before = hashTree(dir);
    const dry = (env: Record<string, string> = {}) => runCli([dir, '--yes', '--dry-run'], { env: { CI: 'true', TMPDIR: tmp, ...env } });
    const off = dry({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(off.code, off.stderr).toBe(0);
    expect(cached(tmp)).toEqual([]);
    const cold = dry();
    const files = cached(tmp);
    // dist/bundle/cli.cjs, ts-morph.js, ts-morph-common.js, typescript.js
    expect(files).toHaveLength(4);
    const warm = dry();
    for (const f of files) writeFileSync(f, 'not a code cache');
    const corrupt = dry();
    // V8 rejected the garbage; the run compiled as usual and wrote a real cache in its place.
    for (const f of files) expect(statSync(f).size).toBeGreaterThan(100_000);
    for (const r of [cold, warm, corrupt])
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: off.stdout, stderr: off.stderr });
    expect(off.stdout).toContain('setupSignalHandlers');
    // The bundle runs the same code as tsc's modules: an in-process run prints the same.
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([dir, '--yes', '--dry-run'], {
      stdout: (s) => out.push(`${s}\n`),
      stderr: (s) => err.push(`${s}\n`),
      interactive: false,
    });
    expect({ code, stdout: out.join(''), stderr: err.join('') }).toEqual({ code: 0, stdout: off.stdout, stderr: off.stderr });
    expect(hashTree(dir)).toEqual(before);
  });

  it('a cache folder that others can write, or that is not a folder, is not used', () => {
    const shared = mkdtempSync(join(work, 'tmp-'));
    mkdirSync(root(shared));
    chmodSync(root(shared), 0o777);
    const notDir = mkdtempSync(join(work, 'tmp-'));
    writeFileSync(root(notDir), '');
    for (const tmp of [shared, notDir]) {
      const r = runCli([copyRepo('express-ts-esm'), '--yes', '--dry-run'], { env: { CI: 'true', TMPDIR: tmp } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Dry run: nothing was written.');
    }
    expect(readdirSync(root(shared))).toEqual([]);
  });
});

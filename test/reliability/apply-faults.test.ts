/**
 * All or nothing: applyChanges over a plan with creates, updates and new nested directories is
 * made to fail at every filesystem step in turn (the FaultHook seam), and by real filesystem
 * errors (a file replaced or removed underneath, a staged temp file deleted, a directory where a
 * file should be). After every failure the whole tree's fingerprint equals the one before.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyChanges, type FaultHook } from '../../src/core/apply.js';
import { UserError } from '../../src/core/errors.js';
import type { FileChange } from '../../src/core/plan.js';
import { changedPaths, cleanupTemps, fingerprint, tempDir } from './harness.js';

afterAll(cleanupTemps);

/** A small repo: an executable script, a BOM file, nested sources. */
function makeRepo(): string {
  const dir = tempDir('apply');
  mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{\n  "name": "app"\n}\n');
  writeFileSync(join(dir, 'src', 'server.ts'), 'export const port = 3000;\n');
  writeFileSync(join(dir, 'src', 'lib', 'util.ts'), '\uFEFFexport const x = 1;\r\n');
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\nnode .\n');
  chmodSync(join(dir, 'run.sh'), 0o755);
  return dir;
}

/** Creates (one in two new nested dirs), updates (one with a BOM, one executable). */
function plan(): FileChange[] {
  return [
    { path: 'src/shutdown.ts', before: null, after: 'export function setup(): void {}\n', reason: 'module' },
    {
      path: 'src/server.ts',
      before: 'export const port = 3000;\n',
      after: "import './shutdown.js';\nexport const port = 3000;\n",
      reason: 'wire',
    },
    { path: 'deploy/k8s/new/patch.yaml', before: null, after: 'spec: {}\n', reason: 'k8s' },
    { path: 'src/lib/util.ts', before: 'export const x = 1;\r\n', after: 'export const x = 2;\r\n', reason: 'edit' },
    { path: 'run.sh', before: '#!/bin/sh\nnode .\n', after: '#!/bin/sh\nexec node .\n', reason: 'exec' },
    { path: 'package.json', before: '{\n  "name": "app"\n}\n', after: '{\n  "name": "app",\n  "x": 1\n}\n', reason: 'json' },
  ];
}

/** Every hook call of a clean apply, in order. */
function steps(): { step: 'stage' | 'commit'; path: string }[] {
  const dir = makeRepo();
  const seen: { step: 'stage' | 'commit'; path: string }[] = [];
  applyChanges(dir, plan(), (step, path) => seen.push({ step, path }));
  return seen;
}

function expectUserError(fn: () => void, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'applyChanges must throw').toBeInstanceOf(UserError);
  expect((caught as Error).message).toMatch(message);
}

describe('applyChanges is all or nothing', () => {
  it('a clean apply writes every change, keeps the BOM and the executable bit', () => {
    const dir = makeRepo();
    applyChanges(dir, plan());
    for (const c of plan()) expect(readFileSync(join(dir, c.path), 'utf8').replace(/^\uFEFF/, '')).toBe(c.after);
    expect(readFileSync(join(dir, 'src/lib/util.ts'), 'utf8').startsWith('\uFEFF')).toBe(true);
    expect(fingerprint(dir)['run.sh']).toMatch(/^file 755 /);
    expect(readdirSync(join(dir, 'src')).filter((n) => n.includes('.cgs-'))).toEqual([]);
  });

  const all = steps();
  it('visits a stage and a commit step per change', () => {
    expect(all.filter((s) => s.step === 'stage')).toHaveLength(plan().length);
    expect(all.filter((s) => s.step === 'commit')).toHaveLength(plan().length);
  });

  const errors: [string, () => Error][] = [
    ['EACCES', () => Object.assign(new Error('permission denied'), { code: 'EACCES' })],
    ['ENOSPC', () => Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })],
    ['a plain Error', () => new Error('boom')],
  ];
  for (const [label, make] of errors) {
    it.each(all.map((s, i) => [i, s.step, s.path] as const))(`${label} at step %i (%s %s): tree unchanged`, (i) => {
      const dir = makeRepo();
      const before = fingerprint(dir);
      let n = 0;
      const hook: FaultHook = () => {
        if (n++ === i) throw make();
      };
      expectUserError(() => applyChanges(dir, plan(), hook), /writing failed \(.+\); nothing was changed/);
      expect(changedPaths(before, fingerprint(dir))).toEqual([]);
    });
  }

  it('a file changed on disk after planning: refused before anything is written', () => {
    const dir = makeRepo();
    writeFileSync(join(dir, 'package.json'), '{ "name": "edited meanwhile" }\n');
    const before = fingerprint(dir);
    expectUserError(() => applyChanges(dir, plan()), /package\.json: changed on disk while the tool was running; run it again/);
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });

  it('a file created where the plan creates one: refused, the new file kept', () => {
    const dir = makeRepo();
    writeFileSync(join(dir, 'src', 'shutdown.ts'), '// mine\n');
    const before = fingerprint(dir);
    expectUserError(() => applyChanges(dir, plan()), /src\/shutdown\.ts: changed on disk/);
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });

  it('a file removed underneath while staging: the others are rolled back', () => {
    const dir = makeRepo();
    let snapshot: Record<string, string> = {};
    const hook: FaultHook = (step, path) => {
      // After the first files are staged, someone deletes run.sh (staged later).
      if (step === 'stage' && path === 'deploy/k8s/new/patch.yaml') {
        rmSync(join(dir, 'run.sh'));
        snapshot = fingerprint(dir);
      }
    };
    const original = fingerprint(dir);
    expectUserError(() => applyChanges(dir, plan(), hook), /run\.sh: changed on disk/);
    const after = fingerprint(dir);
    // Only the user's own deletion remains; our staged files and new directories are gone.
    expect(changedPaths(original, after)).toEqual(['run.sh']);
    expect(Object.keys(after).filter((p) => p.includes('.cgs-'))).toEqual([]);
    expect(snapshot).not.toEqual({});
  });

  it('a staged temp file deleted before commit (real ENOENT on rename): everything rolled back', () => {
    const dir = makeRepo();
    const before = fingerprint(dir);
    const hook: FaultHook = (step, path) => {
      if (step === 'commit' && path === 'src/lib/util.ts') {
        for (const n of readdirSync(join(dir, 'deploy', 'k8s', 'new'))) rmSync(join(dir, 'deploy', 'k8s', 'new', n));
        for (const n of readdirSync(join(dir, 'src', 'lib'))) if (n.includes('.cgs-')) rmSync(join(dir, 'src', 'lib', n));
      }
    };
    expectUserError(() => applyChanges(dir, plan(), hook), /writing failed \(ENOENT/);
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });

  it('a file where the plan needs a directory (real ENOTDIR/EEXIST): nothing written', () => {
    const dir = makeRepo();
    writeFileSync(join(dir, 'deploy'), 'not a dir\n');
    const before = fingerprint(dir);
    expectUserError(() => applyChanges(dir, plan()), /writing failed \((ENOTDIR|EEXIST)/);
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });

  it('a directory where the plan updates a file (real EISDIR): nothing written', () => {
    const dir = makeRepo();
    const changes = plan();
    rmSync(join(dir, 'run.sh'));
    mkdirSync(join(dir, 'run.sh'));
    const before = fingerprint(dir);
    expect(() => applyChanges(dir, changes)).toThrow(UserError);
    expect(changedPaths(before, fingerprint(dir))).toEqual([]);
  });

  it('when a restore fails too, the error names the file instead of claiming nothing changed', () => {
    const dir = makeRepo();
    const hook: FaultHook = (step, path) => {
      if (step === 'commit' && path === 'package.json') {
        // src/server.ts is already replaced; make restoring it impossible (a directory in its place).
        rmSync(join(dir, 'src', 'server.ts'));
        mkdirSync(join(dir, 'src', 'server.ts'));
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      }
    };
    expectUserError(
      () => applyChanges(dir, plan(), hook),
      /package\.json: writing failed \(ENOSPC: no space left on device\); src\/server\.ts could not be restored \(restore them from version control\)/,
    );
  });

  it('a stale temp file from an interrupted earlier run does not block the write', () => {
    const dir = makeRepo();
    writeFileSync(join(dir, 'src', `.server.ts.cgs-${process.pid}.tmp`), 'left over\n');
    applyChanges(dir, plan());
    expect(readFileSync(join(dir, 'src', 'server.ts'), 'utf8')).toBe(plan()[1]?.after);
  });
});

/**
 * The write journal (src/core/journal.ts) in-process: the tree is copied at every stage and
 * commit step of an apply, as a SIGKILL would leave it at that instant; recovering each copy gives
 * the old tree (killed while staging) or the new one (killed while renaming), byte for byte, with
 * no temp file and no journal left. Plus: a file changed after the kill stops recovery with one
 * line naming the journal, and temp files left by a journal-less older run are swept.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyChanges } from '../../src/core/apply.js';
import { JOURNAL_PATH, recoverInterrupted } from '../../src/core/journal.js';
import { UserError } from '../../src/core/errors.js';
import type { FileChange } from '../../src/core/plan.js';
import { changedPaths, cleanupTemps, fingerprint, tempDir } from './harness.js';

afterAll(cleanupTemps);

function makeRepo(): string {
  const dir = tempDir('journal');
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{\n  "name": "app"\n}\n');
  writeFileSync(join(dir, 'src', 'server.ts'), '\uFEFFexport const port = 3000;\r\n');
  writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\nnode .\n');
  chmodSync(join(dir, 'run.sh'), 0o755);
  return dir;
}

function plan(): FileChange[] {
  return [
    { path: 'src/shutdown.ts', before: null, after: 'export function setup(): void {}\n', reason: 'module' },
    {
      path: 'src/server.ts',
      before: 'export const port = 3000;\r\n',
      after: "import './shutdown.js';\r\nexport const port = 3000;\r\n",
      reason: 'wire',
    },
    { path: 'deploy/k8s/patch.yaml', before: null, after: 'spec: {}\n', reason: 'k8s' },
    { path: 'run.sh', before: '#!/bin/sh\nnode .\n', after: '#!/bin/sh\nexec node .\n', reason: 'exec' },
    { path: 'package.json', before: '{\n  "name": "app"\n}\n', after: '{\n  "name": "app",\n  "x": 1\n}\n', reason: 'json' },
  ];
}

function leftovers(tree: Record<string, string>): string[] {
  return Object.keys(tree).filter((p) => p.includes('.cgs-') || p.startsWith(JOURNAL_PATH));
}

describe('a run killed at any step is finished or undone by the next', () => {
  const oldTree = fingerprint(makeRepo());
  const done = makeRepo();
  applyChanges(done, plan());
  const newTree = fingerprint(done);

  // Every instant a kill can land on: before each stage and each commit step.
  const snapshots: { step: string; dir: string }[] = [];
  const dir = makeRepo();
  applyChanges(dir, plan(), (step, path) => {
    const copy = tempDir(`journal-${step}`);
    cpSync(dir, copy, { recursive: true });
    snapshots.push({ step: `${step} ${path}`, dir: copy });
  });

  it('covers every step (5 stage, 5 commit)', () => {
    expect(snapshots).toHaveLength(10);
    for (const s of snapshots) expect(existsSync(join(s.dir, JOURNAL_PATH)), s.step).toBe(true);
  });

  it.each(snapshots.map((s) => [s.step, s.dir] as const))('killed before %s: recovered to the old or the new tree', (step, copy) => {
    const r = recoverInterrupted(copy);
    const after = fingerprint(copy);
    expect(leftovers(after)).toEqual([]);
    if (step.startsWith('stage')) {
      expect(r?.outcome).toBe('undone');
      expect(changedPaths(oldTree, after)).toEqual([]);
    } else {
      expect(r?.outcome).toBe('finished');
      expect(changedPaths(newTree, after)).toEqual([]);
    }
    expect(recoverInterrupted(copy)).toBeNull();
  });

  it('a file changed after the kill: recovery stops with one line naming the journal, nothing touched', () => {
    const repo = makeRepo();
    const copy = tempDir('journal-foreign');
    applyChanges(repo, plan(), (step, path) => {
      if (step === 'commit' && path === 'run.sh') cpSync(repo, copy, { recursive: true });
    });
    writeFileSync(join(copy, 'package.json'), '{ "mine": true }\n');
    const before = fingerprint(copy);
    let error: unknown;
    try {
      recoverInterrupted(copy);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /^\.graceful-shutdown\.journal: an interrupted run left this journal, and package\.json has changed since; restore the files from version control, delete \.graceful-shutdown\.journal and run again$/,
    );
    expect(changedPaths(before, fingerprint(copy))).toEqual([]);
  });

  it('temp files a journal-less older run left beside the targets are removed by the next apply', () => {
    const repo = makeRepo();
    const stale = join(repo, '.run.sh.cgs-999999-0123abcd.tmp');
    writeFileSync(stale, 'half');
    const unrelated = join(repo, '.notes.cgs-999999-0123abcd.tmp');
    writeFileSync(unrelated, 'not beside a target');
    applyChanges(repo, plan());
    expect(existsSync(stale)).toBe(false);
    expect(readFileSync(unrelated, 'utf8')).toBe('not beside a target');
  });
});

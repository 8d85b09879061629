/**
 * The engine on real fixture copies, with its ports given in the test: the git port says which
 * files are dirty (the real `git status` reader is src/upgrade/git.ts, exercised by the e2e guard
 * tests), the ask port records what it was asked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.js';
import { type EngineOptions, type EnginePorts, findRepo, prepareRun } from '../../src/engine/index.js';
import type { GitState } from '../../src/upgrade/git.js';
import { cleanupCopies, copyRepo, hashTree } from '../helpers/tree.js';

const MANIFEST = '.graceful-shutdown.json';

function options(dir: string, more: Partial<EngineOptions> = {}): EngineOptions {
  return { dir, flags: {}, reconfigure: false, check: false, dryRun: false, force: false, templatesDir: null, version: '9.9.9', ...more };
}

const clean: EnginePorts = { ask: null, gitState: () => ({ kind: 'repo', dirty: [] }) };
const dirtyOf = (state: GitState): EnginePorts => ({ ask: null, gitState: () => state });

async function prepared(dir: string, more: Partial<EngineOptions> = {}, ports: EnginePorts = clean) {
  const { facts } = findRepo(options(dir, more));
  return prepareRun(facts, options(dir, more), ports);
}

afterAll(cleanupCopies);

describe('the engine', () => {
  it('plans the generated files and the manifest; the manifest is not among the reviewed changes', async () => {
    const dir = copyRepo('node-http-cjs');
    const run = await prepared(dir);
    const paths = run.changes.map((c) => c.path);
    expect(paths).toContain('shutdown.js');
    expect(paths).toContain(MANIFEST);
    expect(run.reviewed.map((c) => c.path)).toEqual(paths.filter((p) => p !== MANIFEST));
    expect(run.previous).toBeNull();
  });

  it('apply writes every change, and the manifest records the generated files and the version', async () => {
    const dir = copyRepo('node-http-cjs');
    const run = await prepared(dir);
    run.apply();
    for (const c of run.changes) expect(readFileSync(join(dir, c.path), 'utf8')).toBe(c.after);
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { version: string; generated: Record<string, unknown> };
    expect(manifest.version).toBe('9.9.9');
    expect(Object.keys(manifest.generated)).toContain('shutdown.js');
    // A second run reads that manifest and has nothing left to write.
    const again = await prepared(dir);
    expect(again.previous).not.toBeNull();
    expect(again.changes).toEqual([]);
  });

  it('refuses a dirty file before anything is written, and --force writes with a warning', async () => {
    const dir = copyRepo('node-http-cjs');
    const before = hashTree(dir);
    const refused = await prepared(dir, {}, dirtyOf({ kind: 'repo', dirty: ['server.js'] }));
    expect(() => refused.apply()).toThrow(UserError);
    expect(() => refused.apply()).toThrow(/uncommitted changes: server\.js/);
    expect(hashTree(dir)).toEqual(before);

    const forced = await prepared(dir, { force: true }, dirtyOf({ kind: 'repo', dirty: ['server.js'] }));
    forced.apply();
    expect(forced.notes).toContainEqual({ level: 'warn', message: 'changed despite uncommitted changes (--force): server.js' });
    expect(existsSync(join(dir, MANIFEST))).toBe(true);
  });

  it('guards once, and says when it could not look', async () => {
    const dir = copyRepo('node-http-cjs');
    let asked = 0;
    const run = await prepared(
      dir,
      {},
      {
        ask: null,
        gitState: () => {
          asked++;
          return { kind: 'not-a-repo' };
        },
      },
    );
    run.guard();
    run.apply();
    expect(asked).toBe(1);
    expect(run.notes.map((n) => n.message)).toContain(
      'not a git repository: could not check the files for uncommitted changes; keep a copy to compare or undo',
    );
  });

  it('renders from the template set it is given, run by run (a value, not a process-wide setting)', async () => {
    const v1 = join(import.meta.dirname, '..', 'fixtures', 'upgrade', 'templates-v1');
    const shutdownOf = (run: Awaited<ReturnType<typeof prepared>>): string => run.changes.find((c) => c.path === 'shutdown.js')!.after;
    const dir = copyRepo('node-http-cjs');
    const older = await prepared(dir, { templatesDir: v1 });
    const current = await prepared(dir);
    const olderAgain = await prepared(dir, { templatesDir: v1 });
    expect(shutdownOf(older)).toContain('OLDER TEMPLATE SET v1');
    expect(shutdownOf(current)).not.toContain('OLDER TEMPLATE SET v1');
    expect(shutdownOf(olderAgain)).toBe(shutdownOf(older));
  });

  it('--check plans no manifest, asks nothing, and finds what is missing', async () => {
    const dir = copyRepo('node-http-cjs');
    const questions: string[] = [];
    const ask: EnginePorts['ask'] = async (q, initial) => {
      questions.push(q.key);
      return initial;
    };
    const run = await prepared(dir, { check: true }, { ask, gitState: clean.gitState });
    expect(run.changes.map((c) => c.path)).not.toContain(MANIFEST);
    expect(run.findings().map((f) => f.path)).toContain('shutdown.js');
    expect(questions).toEqual([]);
    // Without --check the same port is asked.
    await prepared(dir, {}, { ask, gitState: clean.gitState });
    expect(questions.length).toBeGreaterThan(0);
  });
});

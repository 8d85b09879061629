/**
 * The plop pack runs the CLI's engine: real node-plop drives the pack's generator in a real git
 * repository (a fixture copy, committed), so the manifest, the upgrade of an earlier run and the
 * refusal of uncommitted files are the CLI's, not a second pipeline's.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodePlop from 'node-plop';
import { afterAll, describe, expect, it } from 'vitest';
import plopPack from '../../src/plop-pack.js';
import { cleanupCopies, copyRepo, hashTree } from '../helpers/tree.js';

const MANIFEST = '.graceful-shutdown.json';
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' });
}

function committedRepo(): string {
  const dir = copyRepo('node-http-cjs');
  git(dir, 'init', '-q');
  commitAll(dir, 'the app');
  return dir;
}

function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', message);
}

/** One run of the pack's generator through node-plop, answers as plop's prompts would give them. */
async function plopRun(dir: string): Promise<{ failures: unknown[]; changes: unknown[] }> {
  const plop = await nodePlop(undefined, { destBasePath: dir, force: false });
  plopPack(plop);
  const result = await plop.getGenerator('graceful-shutdown').runActions({ timeoutMs: '5000' });
  return result as { failures: unknown[]; changes: unknown[] };
}

afterAll(cleanupCopies);

describe('the plop pack runs the engine', () => {
  it('records the manifest, as the CLI does', async () => {
    const dir = committedRepo();
    const r = await plopRun(dir);
    expect(r.failures).toEqual([]);
    expect(existsSync(join(dir, 'shutdown.js'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as { generated: Record<string, unknown> };
    expect(Object.keys(manifest.generated)).toContain('shutdown.js');
    expect(JSON.stringify(r.changes)).toContain(MANIFEST);
  });

  it('a second run reconciles with the first: a committed edit of a generated file is kept', async () => {
    const dir = committedRepo();
    expect((await plopRun(dir)).failures).toEqual([]);
    const edit = '// kept: the team tuned this file\n';
    appendFileSync(join(dir, 'shutdown.js'), edit);
    commitAll(dir, 'generated, then tuned');
    const second = await plopRun(dir);
    expect(second.failures).toEqual([]);
    expect(readFileSync(join(dir, 'shutdown.js'), 'utf8')).toContain(edit);
    // The pack without the manifest rendered the template over it: the edit was lost.
    const changed = git(dir, 'status', '--porcelain')
      .split('\n')
      .map((l) => l.slice(3));
    expect(changed).not.toContain('shutdown.js');
  });

  it('refuses a file with uncommitted changes and writes nothing', async () => {
    const dir = committedRepo();
    appendFileSync(join(dir, 'server.js'), '// work in progress\n');
    const before = hashTree(dir);
    const r = await plopRun(dir);
    expect(r.failures).toHaveLength(1);
    expect(JSON.stringify(r.failures)).toContain('refusing to change files with uncommitted changes: server.js');
    expect(hashTree(dir)).toEqual(before);
    expect(existsSync(join(dir, MANIFEST))).toBe(false);
  });
});

/**
 * The baseline: the same measurement on another git ref, in a temporary worktree of its own (a
 * `git clone --shared` into a temp dir: the repository itself, its index and its .git are only
 * read). node_modules of the repository are linked in, read-only use; `--build` runs the build
 * script there. The temp dir is removed afterwards, also on errors and Ctrl+C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { UserError } from '../core/errors.js';
import { unlessAborted } from './interrupted.js';
import type { Ports } from './types.js';

export interface BaselineTree {
  /** The temp worktree. */
  root: string;
  /** The app's directory inside it. */
  dir: string;
  commit: string;
  remove(): void;
}

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', ['-C', cwd, ...args], { encoding: 'utf8', stdio: 'pipe', timeout: 60_000 });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim().split('\n')[0] ?? '' };
}

export function checkoutBaseline(appDir: string, ref: string): BaselineTree {
  const top = git(appDir, ['rev-parse', '--show-toplevel']);
  if (!top.ok)
    throw new UserError(`--baseline needs a git repository, and ${appDir} is not in one; drop --baseline or run git init`, { exitCode: 2 });
  const commit = git(appDir, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (!commit.ok)
    throw new UserError(`--baseline ${ref}: no such commit in this repository; give a branch, tag or commit (e.g. HEAD~1, main)`, {
      exitCode: 2,
    });
  const tmp = mkdtempSync(join(tmpdir(), 'cgs-verify-baseline-'));
  const remove = (): void => rmSync(tmp, { recursive: true, force: true });
  try {
    const clone = spawnSync('git', ['clone', '--quiet', '--shared', '--no-checkout', top.out, tmp], {
      encoding: 'utf8',
      stdio: 'pipe',
      timeout: 120_000,
    });
    if (clone.status !== 0)
      throw new UserError(`--baseline ${ref}: could not make a temporary worktree (${(clone.stderr ?? '').trim().split('\n')[0]})`);
    const co = git(tmp, ['-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', commit.out]);
    if (!co.ok) throw new UserError(`--baseline ${ref}: could not check out ${commit.out.slice(0, 12)} (${co.err})`);
    const rel = relative(top.out, appDir);
    // Dependencies are not in git: the repository's installed ones are used as they are.
    for (const sub of new Set(['', rel])) {
      const from = join(top.out, sub, 'node_modules');
      const to = join(tmp, sub, 'node_modules');
      if (existsSync(from) && !existsSync(to) && existsSync(join(tmp, sub))) symlinkSync(from, to, 'dir');
    }
    const dir = join(tmp, rel);
    if (!existsSync(dir)) throw new UserError(`--baseline ${ref}: ${rel || '.'} does not exist at that commit`);
    return { root: tmp, dir, commit: commit.out, remove };
  } catch (error) {
    remove();
    throw error;
  }
}

/** `npm run build` (or the package manager the lockfile names) in the baseline worktree. */
export async function buildBaseline(dir: string, ports: Ports): Promise<void> {
  const pkgPath = join(dir, 'package.json');
  if (!existsSync(pkgPath)) return;
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { scripts?: Record<string, string> };
  if (!pkg.scripts?.['build']) return;
  const runner = existsSync(join(dir, 'pnpm-lock.yaml')) ? 'pnpm' : existsSync(join(dir, 'yarn.lock')) ? 'yarn' : 'npm';
  ports.progress({ phase: 'baseline', message: `baseline: ${runner} run build` });
  const child = spawn(runner, ['run', 'build'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, CI: '1' },
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const done = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(-1));
    child.on('exit', (code) => resolve(code));
  });
  const killGroup = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  };
  ports.abort.addEventListener('abort', killGroup, { once: true });
  try {
    const code = await unlessAborted(ports.abort, done);
    if (code !== 0) {
      const last = output.trim().split('\n').pop() ?? '';
      throw new UserError(
        `--baseline --build: ${runner} run build failed (exit ${code})${last ? `: ${last}` : ''}; fix the build at that ref or measure without --build`,
      );
    }
  } finally {
    ports.abort.removeEventListener('abort', killGroup);
    killGroup();
  }
}

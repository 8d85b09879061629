/**
 * Helpers for the verify tests: fixture repos copied to temp dirs, the built CLI run as a real
 * subprocess, this test's own load client (independent of src/verify, in test/helpers/load.ts) and the checks that nothing
 * survives and nothing in the repository changed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/tree.js';

// The load clients live with every other harness's; re-exported for the verify tests' imports.
export { freePort, listening, type OwnCounts, ownLoad, sleep } from '../helpers/load.js';

export const VERIFY_REPOS = join(ROOT, 'test', 'verify', 'repos');
const made: string[] = [];

/** A fresh copy of test/verify/repos/<name>; Node repos get this project's node_modules linked in. */
export function prepareRepo(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cgs-verify-${name}-`));
  made.push(dir);
  cpSync(join(VERIFY_REPOS, name), dir, { recursive: true });
  if (spawnSync('test', ['-f', join(dir, 'package.json')]).status === 0)
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export function cleanupRepos(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** The NestJS fixture is TypeScript: built the way its build script does (tsc), as CI would before verify. */
export function buildTs(dir: string): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: dir,
    encoding: 'utf8',
  });
  // Type errors still emit JavaScript (noEmitOnError is off, as in Nest's starter); a missing output is the failure.
  if (spawnSync('test', ['-f', join(dir, 'dist', 'main.js')]).status !== 0)
    throw new Error(`tsc did not emit dist/main.js:\n${r.stdout}${r.stderr}`);
}

export function applyYes(dir: string): void {
  const r = spawnSync(process.execPath, [BIN, dir, '--yes'], {
    encoding: 'utf8',
    env: { ...process.env, CI: undefined } as NodeJS.ProcessEnv,
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`--yes failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export interface VerifyRun {
  pid: number;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves when a progress line on stderr matches. */
  waitFor(pattern: RegExp): Promise<void>;
  stderrSoFar(): Promise<string>;
}

export function startVerify(args: string[], cwd = ROOT): VerifyRun {
  const child = spawn(process.execPath, [BIN, 'verify', ...args], {
    cwd,
    env: { ...process.env, CI: undefined } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(stderr)) w.resolve();
      else waiters.push(w);
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => setImmediate(() => resolve({ code, signal, stdout, stderr })));
  });
  return {
    pid: child.pid!,
    done,
    stderrSoFar: () => Promise.resolve(stderr),
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(stderr)) return resolve();
        waiters.push({ pattern, resolve });
        void done.then(() => reject(new Error(`verify ended before ${pattern}:\n${stderr}\n${stdout}`)));
      }),
  };
}

/** Processes whose working directory is inside dir, or starts with it when `prefix` (an app verify started, still alive). */
export function survivors(dir: string, prefix = false): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`) || (prefix && cwd.startsWith(dir))) out.push(`${pid} (${cwd})`);
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

export interface VerifyJson {
  exit_ms: number;
  exit_code: number | null;
  signal: string | null;
  killed: boolean;
  answered: number;
  lost: number;
  refused_after_close: boolean;
  ws_close_codes: number[];
  passed: boolean;
  failures: string[];
  grace_ms: number;
  pid1: boolean;
  command: string[];
  log_tail: string[];
  baseline: VerifyJson | null;
}

export function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A git repository of the fixture: the unmodified app committed, node_modules (a link) excluded. */
export function gitRepo(dir: string): void {
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'dev@example.com');
  git(dir, 'config', 'user.name', 'Dev');
  git(dir, 'config', 'commit.gpgsign', 'false');
  appendFileSync(join(dir, '.git', 'info', 'exclude'), 'node_modules\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'orders api');
}

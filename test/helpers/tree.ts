/** Test helpers for whole-tree work: copy a fixture repo, hash every file, run the built CLI. */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, lstatSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'create-graceful-shutdown.js');
export const REPOS = join(ROOT, 'test', 'fixtures', 'repos');

const made: string[] = [];

/** A fresh copy of test/fixtures/repos/<name> in a temp dir. `withModules` links this project's node_modules in. */
export function copyRepo(name: string, opts: { withModules?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `cgs-${name}-`));
  made.push(dir);
  cpSync(join(REPOS, name), dir, { recursive: true });
  if (opts.withModules) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export function cleanupCopies(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** path → sha256 of every file under dir (node_modules links skipped). */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (e.name === 'node_modules' || e.name === '.git') continue;
      if (e.isDirectory()) walk(abs);
      else if (lstatSync(abs).isFile()) out[relative(dir, abs)] = createHash('sha256').update(readFileSync(abs)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI as a subprocess, stdin not a TTY, CI unset unless given. */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number } = {},
): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, CI: undefined, ...opts.env };
  const r: SpawnSyncReturns<string> = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

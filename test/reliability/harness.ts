/**
 * Shared pieces of the reliability tests: temp repos, a tree fingerprint that sees every kind of
 * entry (files, dirs, symlinks, FIFOs, modes), and the built CLI run as a subprocess or in-process.
 */
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
/**
 * The built package under test: this checkout, or CGS_PACKAGE_ROOT (a copy with its own bin/,
 * dist/ and templates/), so that a rebuild in a shared checkout cannot change dist/ mid-run.
 */
export const PACKAGE_ROOT = process.env['CGS_PACKAGE_ROOT'] ?? ROOT;
export const BIN = join(PACKAGE_ROOT, 'bin', 'create-graceful-shutdown.js');
export const BAD_INPUT = join(ROOT, 'test', 'fixtures', 'bad-input');

const temps: string[] = [];

/** A fresh temp dir, removed by cleanupTemps(). */
export function tempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cgs-rel-${label.replace(/[^a-z0-9-]/gi, '_')}-`));
  temps.push(dir);
  return dir;
}

export function cleanupTemps(): void {
  for (const d of temps.splice(0)) {
    // Directories a test made unreadable or read-only must be opened up before removal.
    spawnSync('chmod', ['-R', 'u+rwx', d]);
    rmSync(d, { recursive: true, force: true });
  }
}

/** Copy test/fixtures/bad-input/<name> (or nothing, when name is null) into a new temp dir. */
export function fixtureCopy(name: string | null, label = name ?? 'empty'): string {
  const dir = tempDir(label);
  if (name) cpSync(join(BAD_INPUT, name), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

/**
 * path → fingerprint of every entry under dir, symlinks not followed: kind, permission bits,
 * and the content hash (files) or link target (symlinks). Any write, create, delete, chmod or
 * leftover temp file changes it.
 */
export function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (abs: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(abs).sort();
    } catch {
      out[`${rel}/`] = 'unreadable';
      return;
    }
    for (const name of names) {
      const a = join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(a);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = `link ${readlinkSync(a)}`;
      else if (st.isDirectory()) {
        out[`${r}/`] = `dir ${mode}`;
        walk(a, r);
      } else if (st.isFile()) {
        let hash: string;
        try {
          hash = createHash('sha256').update(readFileSync(a)).digest('hex');
        } catch {
          hash = `unreadable ${st.size}`;
        }
        out[r] = `file ${mode} ${hash}`;
      } else out[r] = `special ${mode}`;
    }
  };
  walk(dir, '');
  return out;
}

/** Paths whose fingerprint differs between two snapshots (added, removed or changed). */
export function changedPaths(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

export interface RunOptions {
  /**
   * Run as root without the capabilities that let root ignore permission bits (CAP_DAC_OVERRIDE,
   * CAP_DAC_READ_SEARCH), for permission cases: mode 000 and read-only trees then fail as they do
   * for any user. Unlike running as another uid, the checkout stays reachable wherever it is (a
   * clone under /root or a 0700 temp dir). Outside root it changes nothing: the bits apply anyway.
   */
  dropDac?: boolean;
  timeoutMs?: number;
  cwd?: string;
  /** Extra environment (undefined removes a variable). */
  env?: Record<string, string | undefined>;
}

/** The setpriv prefix that drops root's DAC capabilities (util-linux). */
export const DROP_DAC = ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--inh-caps', '-dac_override,-dac_read_search'];

function commandLine(args: readonly string[], opts: RunOptions): { argv: string[]; env: NodeJS.ProcessEnv } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['CI'];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const node = [process.execPath, BIN, ...args];
  const argv = opts.dropDac && process.getuid?.() === 0 ? [...DROP_DAC, ...node] : node;
  return { argv, env };
}

/** The built CLI as a real subprocess, awaited: lets independent cases run side by side. */
export function runCliAsync(args: readonly string[], opts: RunOptions = {}): Promise<CliResult> {
  const { argv, env } = commandLine(args, opts);
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, signal });
    });
  });
}

/** The built CLI as a real subprocess: stdin not a TTY, CI unset. `dropDac` makes root obey permission bits. */
export function runCli(args: readonly string[], opts: RunOptions = {}): CliResult {
  const { argv, env } = commandLine(args, opts);
  const r = spawnSync(argv[0] as string, argv.slice(1), {
    cwd: opts.cwd ?? ROOT,
    env,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', signal: r.signal };
}

/** What a stack trace looks like in output: "    at fn (file:line:col)". */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m;

/**
 * Shared by the Python end-to-end tests: copy an unwired fixture repo, run the built CLI on it
 * (asynchronously, so cases can run side by side), make the one hand edit a user makes (register
 * a handler), and start the app with the command the repo itself declares.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashTree } from '../helpers/tree.js';
import { GUNICORN, PYTHON, start, tempDir, type Running } from '../python-module/helpers.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'create-graceful-shutdown.js');
export const REPOS = join(ROOT, 'test', 'fixtures', 'repos');
/** The CLI's default shutdown budget (Answers.timeoutMs) that --yes keeps. */
export const BUDGET_MS = 8000;

/** The CLI runs from dist/: fail with the fix rather than with a module-not-found trace. */
export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
}

/** A fresh copy of test/fixtures/repos/<name> in a temp dir (removed by python-module's cleanUp). */
export function copyRepo(name: string): string {
  const dir = tempDir(name);
  cpSync(join(REPOS, name), dir, { recursive: true });
  return dir;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/create-graceful-shutdown.js <dir> --yes`, stdin not a TTY, CI unset. */
export function runCli(dir: string, timeoutMs = 60_000, extraArgs: string[] = []): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['CI'];
    const child = spawn(process.execPath, [BIN, dir, '--yes', ...extraArgs], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI still running after ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Paths whose content differs between two hashTree() results (added and removed files included). */
export function changedPaths(before: Record<string, string>, after: Record<string, string>): string[] {
  const all = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...all].filter((p) => before[p] !== after[p]).sort();
}

/** Run the CLI once more on a copy of `dir`: what it printed and which files it changed. */
export async function rerun(dir: string): Promise<CliRun & { changed: string[] }> {
  const copy = tempDir('rerun');
  cpSync(dir, copy, { recursive: true });
  const before = hashTree(copy);
  const run = await runCli(copy);
  return { ...run, changed: changedPaths(before, hashTree(copy)) };
}

/** A Python string literal for a path (JSON's escapes are valid Python for these paths). */
export function pyString(value: string): string {
  return JSON.stringify(value);
}

/** One `register_shutdown_handler` call that appends `line` to `file`: the handler the tests look for. */
export function registerLine(name: string, file: string, line: string): string {
  return `register_shutdown_handler(${pyString(name)}, lambda: open(${pyString(file)}, "a").write(${pyString(`${line}\n`)}))`;
}

/**
 * The user's one hand edit: add `register_shutdown_handler` to the import line the tool wrote
 * (so the handler lands in the very module object the wiring uses) and put `line` right below it.
 * Returns the file's text before and after, for assertions about the size of the edit.
 */
export function handEdit(file: string, line: string): { before: string; after: string } {
  const before = readFileSync(file, 'utf8');
  const importLine = /^(from \.?signal_handlers import [^\n()]+?)(\r?\n)/m;
  const match = importLine.exec(before);
  if (!match) throw new Error(`${file}: no single-line \`from signal_handlers import ...\` written by the tool:\n${before}`);
  const edited = `${match[1]}, register_shutdown_handler${match[2]}${line}${match[2]}`;
  const after = before.slice(0, match.index) + edited + before.slice(match.index + match[0].length);
  writeFileSync(file, after);
  return { before, after };
}

/** Lines of `after` that are not in `before` (multiset difference): what an edit added or changed. */
export function addedLines(before: string, after: string): string[] {
  const pool = before.split(/\r?\n/);
  const out: string[] = [];
  for (const l of after.split(/\r?\n/)) {
    const i = pool.indexOf(l);
    if (i >= 0) pool.splice(i, 1);
    else out.push(l);
  }
  return out;
}

/** The start command a repo declares: the Procfile's `<process>:` line, or the Dockerfile's exec-form CMD. */
export function declaredCommand(dir: string, source: 'Procfile' | 'Dockerfile', process = 'web'): string[] {
  const text = readFileSync(join(dir, source), 'utf8');
  if (source === 'Procfile') {
    const line = text.split(/\r?\n/).find((l) => l.startsWith(`${process}:`));
    if (!line) throw new Error(`${dir}/Procfile: no "${process}:" line`);
    return line
      .slice(process.length + 1)
      .trim()
      .split(/\s+/);
  }
  const cmd = text
    .split(/\r?\n/)
    .filter((l) => /^CMD\s+\[/.test(l))
    .pop();
  if (!cmd) throw new Error(`${dir}/Dockerfile: no exec-form CMD`);
  return JSON.parse(cmd.replace(/^CMD\s+/, '')) as string[];
}

/**
 * The declared command, runnable here: Debian's interpreters (uvicorn through `python3 -m`),
 * bound to 127.0.0.1 and a free port instead of the container's address.
 */
export function localCommand(argv: readonly string[], port: number): { command: string; args: string[] } {
  const [program, ...rest] = argv;
  const args = rest.map((arg, i) => {
    const flag = rest[i - 1];
    if (flag === '--host') return '127.0.0.1';
    if (flag === '--port') return String(port);
    if (flag === '--bind' || flag === '-b') return `127.0.0.1:${port}`;
    return arg.replace('$PORT', String(port));
  });
  switch (program) {
    case 'uvicorn':
      return { command: PYTHON, args: ['-m', 'uvicorn', ...args] };
    case 'gunicorn':
      return { command: GUNICORN, args: args.some((a) => a === '--bind' || a === '-b') ? args : ['--bind', `127.0.0.1:${port}`, ...args] };
    case 'python':
    case 'python3':
      return { command: PYTHON, args };
    default:
      throw new Error(`no local stand-in for ${program}`);
  }
}

/** Lines of a marker file, [] when it does not exist. */
export function markerLines(file: string): string[] {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
    : [];
}

export interface WorkerCase {
  repo: string;
  /** The module the tool wires (the one the start command runs). */
  entry: string;
  /** The module variant the CLI must choose. */
  mode: 'plain' | 'asyncio';
  startFrom: 'Procfile' | 'Dockerfile';
  /** The Procfile process that runs it. */
  process: string;
}

export const WORKERS: WorkerCase[] = [
  { repo: 'python-e2e-plain-worker', entry: 'worker.py', mode: 'plain', startFrom: 'Procfile', process: 'worker' },
  { repo: 'python-e2e-asyncio-worker', entry: 'worker.py', mode: 'asyncio', startFrom: 'Dockerfile', process: 'worker' },
];

export interface PreparedRepo {
  dir: string;
  /** Temp dir for the marker and events files (outside the repo, so re-runs see only the repo). */
  scratch: string;
  marker: string;
  eventsFile: string;
  /** hashTree() of the repo before the CLI ran. */
  original: Record<string, string>;
  first: CliRun;
  /** The entry module as the CLI left it. */
  wired: string;
  edit: { before: string; after: string };
}

/**
 * Copy the repo, run the CLI, then make the one hand edit: `line(marker)` below the tool's
 * import line. No edit when the CLI failed (the caller's assertions on `first` say why).
 */
export async function prepare(repo: string, entry: string, line: (marker: string) => string): Promise<PreparedRepo> {
  requireBuild();
  const dir = copyRepo(repo);
  const scratch = tempDir(`${repo}-scratch`);
  const marker = join(scratch, 'marker.log');
  const original = hashTree(dir);
  const first = await runCli(dir);
  const wired = readFileSync(join(dir, entry), 'utf8');
  const edit = first.code === 0 ? handEdit(join(dir, entry), line(marker)) : { before: wired, after: wired };
  return { dir, scratch, marker, eventsFile: join(scratch, 'events.log'), original, first, wired, edit };
}

/** Start a worker with the command its repo declares (no port: workers do not listen). */
export function startWorker(c: WorkerCase, repo: PreparedRepo): Running {
  const { command, args } = localCommand(declaredCommand(repo.dir, c.startFrom, c.process), 0);
  return start(command, args, repo.dir, { EVENTS_FILE: repo.eventsFile, PYTHONDONTWRITEBYTECODE: '1' });
}

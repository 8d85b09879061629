/**
 * Shared by the python-module tests: build a fixture repo in a temp dir the way the CLI would
 * (the generator's actions applied through a Plan), and run real Python processes against it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Answers } from '../../src/answers.js';
import { Plan } from '../../src/core/plan.js';
import { renderTemplate } from '../../src/core/render.js';
import type { Facts, PythonApp } from '../../src/detect/facts.js';
import { pythonModuleGenerator } from '../../src/generators/python-module.js';
import type { GeneratorContext } from '../../src/generators/types.js';
import { factsFor } from '../helpers/builders.js';
import { events } from '../helpers/processes.js';

export { events } from '../helpers/processes.js';

export const PYTHON = '/usr/bin/python3';
export const GUNICORN = '/usr/bin/gunicorn';
export const MYPY = '/usr/bin/mypy';
export const REPOS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'repos');
/** A user's own gunicorn.conf.py with when_ready, post_worker_init and worker_exit hooks, which the tool must keep. */
export const USER_HOOKS_CONF = join(REPOS, '..', 'python-module', 'gunicorn-conf', 'existing-server-hooks', 'gunicorn.conf.py');

export function pythonApp(overrides: Partial<PythonApp> = {}): PythonApp {
  return {
    kind: 'python',
    dir: '',
    name: 'app',
    framework: 'plain',
    server: 'none',
    entrypoint: { path: 'main.py', module: 'main', appVariable: null, inPackage: false },
    startCommand: null,
    workers: null,
    gunicornConfig: null,
    ...overrides,
  };
}

export function answers(overrides: Partial<Answers> = {}): Answers {
  return {
    apps: [''],
    parts: ['module'],
    timeoutMs: 5000,
    shutdownDelayMs: 0,
    exitMode: 'zero',
    preStopSeconds: 5,
    ...overrides,
  };
}

function facts(root: string, app: PythonApp): Facts {
  return factsFor(root, [app]);
}

/** Run the generator against `root` and return the plan (nothing written). */
export function planFor(root: string, app: PythonApp, given: Answers = answers()): Plan {
  const plan = new Plan((p) => (existsSync(join(root, p)) ? readFileSync(join(root, p), 'utf8') : null));
  const ctx: GeneratorContext = { facts: facts(root, app), answers: given, app, current: (p) => plan.current(p) };
  if (!pythonModuleGenerator.appliesTo(ctx)) return plan;
  for (const action of pythonModuleGenerator.actions(ctx)) {
    if (action.type === 'plan-render') plan.write(action.path, renderTemplate(action.template, action.data), action.reason);
    else if (action.type === 'plan-write') plan.write(action.path, action.content, action.reason);
    else if (action.type === 'plan-edit') plan.edit(action.path, action.edit, action.reason);
    else plan.note(action.level, action.message, action.file);
  }
  return plan;
}

const tempDirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `gs-py-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Copy a fixture repo to a temp dir and apply the generator's plan to it, as the CLI would. */
export function materialize(repo: string, app: PythonApp, given: Answers = answers()): string {
  const dir = tempDir(repo);
  cpSync(join(REPOS, repo), dir, { recursive: true });
  for (const change of planFor(dir, app, given).changes()) {
    mkdirSync(dirname(join(dir, change.path)), { recursive: true });
    writeFileSync(join(dir, change.path), change.after);
  }
  return dir;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process ended. */
  at: number;
}

export interface Running {
  child: ChildProcess;
  exited: Promise<Exit>;
  output(): string;
}

const running = new Set<ChildProcess>();

/** Start a process in its own process group (so cleanup can reach gunicorn's workers too). */
export function start(command: string, args: string[], cwd: string, env: Record<string, string>): Running {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', PYTHONUNBUFFERED: '1', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, at: performance.now() });
    });
  });
  return { child, exited, output: () => output };
}

/** afterEach: kill whatever a failed test left running, and remove temp dirs. */
export function cleanUp(): void {
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function waitForEvent(file: string, event: string, timeoutMs = 20_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!events(file).includes(event)) {
    if (performance.now() > until) throw new Error(`timed out waiting for "${event}"; saw ${JSON.stringify(events(file))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Reply {
  status: number;
  body: string;
}

export function httpGet(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function waitHealthy(port: number, proc: Running, timeoutMs = 30_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    try {
      if ((await httpGet(port, '/health')).status === 200) return;
    } catch {
      // not listening yet
    }
    if (proc.child.exitCode !== null) throw new Error(`server exited early:\n${proc.output()}`);
    if (performance.now() > until) throw new Error(`server not healthy in time:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Milliseconds from `since` to the exit, or a rejection when it does not exit in time. */
export async function exitWithin(proc: Running, since: number, limitMs: number): Promise<Exit & { ms: number }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${limitMs} ms after the signal:\n${proc.output()}`)), limitMs);
  });
  try {
    const exit = await Promise.race([proc.exited, late]);
    return { ...exit, ms: exit.at - since };
  } finally {
    clearTimeout(timer);
  }
}

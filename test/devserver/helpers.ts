/** Real processes, temp dirs and clients for the dev-server tests; everything started here is tracked for cleanup. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Connection, openIdle } from '../helpers/load.js';

export { openWebSocket } from '../helpers/load.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const dirs: string[] = [];
const children: ChildProcess[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `devserver-test-${prefix}-`));
  dirs.push(dir);
  return dir;
}

/**
 * node_modules for a temp app: a symlink per package of the repo's node_modules, so tools that write
 * into node_modules (Vite's .vite cache) write into the temp dir, not the shared checkout.
 */
export function linkNodeModules(dir: string): void {
  const target = join(dir, 'node_modules');
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry === '.vite' || entry === '.cache') continue;
    symlinkSync(join(REPO, 'node_modules', entry), join(target, entry));
  }
}

export interface Running {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** Resolves with the first regex match in stdout+stderr. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export function run(argv: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Running {
  const [cmd, ...args] = argv as [string, ...string[]];
  const child = spawn(cmd, args, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
  const waitFor = (re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = re.exec(out);
        if (m) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${re}; output:\n${out}`));
      }, timeoutMs);
      waiters.add(check);
      void exited.then(() => {
        check();
        if (waiters.has(check)) {
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`exited before ${re}; output:\n${out}`));
        }
      });
      check();
    });
  return { child, output: () => out, exited, waitFor };
}

/** Kill what is still running and remove temp dirs; call from afterEach. */
export async function cleanup(): Promise<void> {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await new Promise((r) => c.once('exit', r));
    }
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** An idle keep-alive connection after one answered GET; its `ended` tells how the server ended it. */
export async function openKeepAlive(port: number, path = '/'): Promise<Connection> {
  // Host as a browser on the address sends it (a dev server checks it against its allowed hosts).
  const [conn] = await openIdle(port, 1, { path, host: '127.0.0.1', accept: (r) => r.complete });
  return conn!;
}

/**
 * Helpers for the verify tests: fixture repos copied to temp dirs, the built CLI run as a real
 * subprocess, this test's own load client (independent of src/verify) and the checks that nothing
 * survives and nothing in the repository changed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/tree.js';

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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface OwnCounts {
  answered: number;
  /** Connected, sent, and got no complete answer. */
  lost: number;
  refused: number;
  /**
   * Written on a reused connection that the server closed before reading it, and so sent again on a
   * new connection; the second try's fate is counted in the others.
   */
  retried: number;
}

type Fate = 'answered' | 'lost' | 'refused' | 'closed unread';

/**
 * This test's own measurement of the same app, independent of src/verify's load: `concurrency`
 * clients on Node's standard keep-alive agent (one connection each, as a service calling another
 * does), a 10 ms pause between requests, from the first answer until `until` settles. A request
 * whose connection was accepted and that got no complete answer is lost. One on a reused connection
 * that the server closed before reading it is sent once more, as Node documents for
 * `req.reusedSocket`, and counts as that second try does.
 */
export async function ownLoad(port: number, path: string, concurrency: number, until: Promise<unknown>): Promise<OwnCounts> {
  const counts: OwnCounts = { answered: 0, lost: 0, refused: 0, retried: 0 };
  let stop = false;
  void until.then(() => (stop = true));
  // Up first: the app answers once.
  while (!stop && (await once(port, path, false)) !== 'answered') await sleep(100);
  const agents: http.Agent[] = [];
  const client = async (): Promise<void> => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    while (!stop) {
      let fate = await once(port, path, agent);
      if (fate === 'closed unread') {
        counts.retried++;
        fate = await once(port, path, agent);
        // Closed unread a second time: that connection was new (the dead one left the agent), so lost.
        if (fate === 'closed unread') fate = 'lost';
      }
      counts[fate]++;
      await sleep(fate === 'refused' ? 20 : 10);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  for (const a of agents) a.destroy();
  return counts;
}

/**
 * One GET. A failure on a reused connection before any byte of answer means the server closed it
 * without reading the request when the kernel reports a reset (its app closed the connection with
 * the request unread), or when it came before the event loop's next poll after the request was
 * written (the server's FIN had arrived already). Not a wall-clock window: a loaded machine delays
 * either process for any length of time.
 */
function once(port: number, path: string, agent: http.Agent | false): Promise<Fate> {
  return new Promise((resolve) => {
    let connected = false;
    let answering = false;
    let polled = false;
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      answering = true;
      res.resume();
      res.on('end', () => resolve('answered'));
      res.on('aborted', () => resolve('lost'));
      res.on('error', () => resolve('lost'));
    });
    req.on('socket', (s) => {
      if (!s.connecting) connected = true;
      else s.on('connect', () => (connected = true));
    });
    req.on('finish', () => setImmediate(() => (polled = true)));
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && !answering && (e.syscall !== undefined || !polled)) return resolve('closed unread');
      resolve(connected ? 'lost' : 'refused');
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
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

/** Whether anything still accepts connections on the port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
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

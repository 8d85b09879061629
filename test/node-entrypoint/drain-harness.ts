/**
 * Before/after measurement of a fixture repo's shutdown: the app is started the way its Dockerfile
 * (or start command) runs it, holds idle keep-alive connections and in-flight requests whose
 * clients keep their connection open after the response (as keep-alive agents and proxies do),
 * then gets SIGTERM. The same measurement runs on the unmodified repo and after `--yes`.
 *
 * CGS_BIN (test seam) runs another build of the CLI: `CGS_BIN=/tmp/cgs-old/bin/create-graceful-shutdown.js`
 * shows what an older commit does with the same fixtures.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finalStageCommand } from '../../src/detect/dockerfile-facts.js';
import { shellWords } from '../../src/detect/shell-words.js';
import { Connection, freePort, openIdle, request } from '../helpers/load.js';

export const ROOT = join(import.meta.dirname, '../..');
export const REPOS = join(ROOT, 'test/fixtures/repos');
const BIN = process.env['CGS_BIN'] ?? join(ROOT, 'bin/create-graceful-shutdown.js');

/** The request work every fixture's /slow route does (SLOW_MS), and the bound on the exit it allows. */
export const SLOW_MS = 1000;
/** Work left at SIGTERM is at most SLOW_MS; the margin is proportional to it (loaded 2-core machine). */
export const EXIT_BOUND_MS = 2 * SLOW_MS;

const made: string[] = [];
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cgs-wiring-${name}-`));
  made.push(dir);
  cpSync(join(REPOS, name), dir, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}
export function removeCopies(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function runCli(dir: string, args: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, dir, '--yes', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, CI: undefined },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Words of the final stage's ENTRYPOINT + CMD, without init wrappers (tini runs it in a container; here node is the child). */
export function dockerCommand(dir: string, dockerfile = 'Dockerfile'): string[] {
  const found = finalStageCommand(readFileSync(join(dir, dockerfile), 'utf8'));
  if (!found) throw new Error(`no CMD in ${dockerfile}`);
  let words = found.words;
  while (words[0] && /(^|\/)(tini|dumb-init)$/.test(words[0])) {
    words = words.slice(1);
    while (words[0]?.startsWith('-')) words = words.slice(1);
  }
  if (words[0] === 'sh' && words[1] === '-c' && words[2]) words = shellWords(words[2]);
  return words;
}

export interface DrainResult {
  sent: number;
  answered: number;
  /** ms from SIGTERM to the process's exit. */
  exitMs: number;
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface DrainOptions {
  dir: string;
  /** The command that runs the app (`node ./bin/www`). */
  argv: string[];
  env?: Record<string, string>;
  inFlight?: number;
  idle?: number;
  /** Clients of another kind (socket.io, ws) connected before the signal; returns a closer. */
  clients?: (port: number) => Promise<() => void>;
  /** Printed by the app when a slow request starts (all must have arrived before the signal). */
  slowMark?: RegExp;
  /** Time allowed for the app to start (a Next.js server takes longer). */
  startMs?: number;
  /** Kill after this long without an exit (the measurement's own deadline). */
  killAfterMs?: number;
}

export async function measureDrain(o: DrainOptions): Promise<DrainResult> {
  const port = await freePort();
  const [cmd, ...args] = o.argv;
  const child: ChildProcess = spawn(cmd === 'node' ? process.execPath : (cmd as string), args, {
    cwd: o.dir,
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), SLOW_MS: String(SLOW_MS), ...o.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const sockets: Connection[] = [];
  let closeClients = (): void => undefined;
  const killer = setTimeout(() => child.kill('SIGKILL'), o.killAfterMs ?? 30_000 + (o.startMs ?? 15_000));
  try {
    // Up: the first /fast that answers.
    const startBy = Date.now() + (o.startMs ?? 15_000);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`app exited before it was up: ${stderr}${stdout}`);
      const r = await request(port, '/fast');
      if (r.complete && r.status === 200) break;
      if (Date.now() > startBy) throw new Error(`app not up after ${o.startMs ?? 15_000} ms: ${stderr}${stdout}`);
      await new Promise((r2) => setTimeout(r2, 100));
    }
    sockets.push(...(await openIdle(port, o.idle ?? 100, { batch: 50 })));
    if (o.clients) closeClients = await o.clients(port);
    const n = o.inFlight ?? 20;
    const mark = o.slowMark ?? /slow started/;
    const before = stdout.split('\n').filter((l) => mark.test(l)).length;
    // Each on its own connection, which the client keeps open after the response.
    const busy = Array.from({ length: n }, () => new Connection(port));
    sockets.push(...busy);
    const replies = busy.map((c) => c.request('/slow'));
    // Every in-flight request has reached its handler before the signal.
    const arriveBy = Date.now() + 10_000;
    while (stdout.split('\n').filter((l) => mark.test(l)).length < before + n) {
      if (Date.now() > arriveBy) throw new Error(`in-flight requests did not arrive: ${stdout}`);
      await new Promise((r2) => setTimeout(r2, 10));
    }
    const sigtermAt = Date.now();
    child.kill('SIGTERM');
    const [results, exit] = await Promise.all([Promise.all(replies), exited]);
    return {
      sent: n,
      answered: results.filter((r) => r.complete && r.status === 200).length,
      exitMs: exit.at - sigtermAt,
      code: exit.code,
      signal: exit.signal,
      stdout,
      stderr,
    };
  } finally {
    clearTimeout(killer);
    closeClients();
    for (const s of sockets) s.destroy();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** The claim every case makes: nothing answered before is lost, the exit is no later (or within the work left), exit 0. */
export function describeRun(label: string, r: DrainResult): string {
  return `${label}: ${r.answered}/${r.sent} answered, exit ${r.code ?? r.signal} after ${r.exitMs} ms`;
}

/**
 * Before/after measurement of the Node corpus (test/corpus/node/repos): copy a repo, link this
 * project's node_modules into it, run its own build, start it the way its launcher does (its
 * Dockerfile's ENTRYPOINT/CMD or its start script), load it with idle keep-alive connections and
 * in-flight requests, send SIGTERM and record what was answered and how the process ended.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { closeAll, Connection, freePort, openIdle, openWebSocket, sleep, type WsClient } from '../../helpers/load.js';
import { groupAlive } from '../../helpers/processes.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The built package under test (a copy can be named so a rebuild elsewhere cannot change dist/ mid-run). */
export const PACKAGE_ROOT = process.env['CGS_PACKAGE_ROOT'] ?? ROOT;
export const BIN = join(PACKAGE_ROOT, 'bin', 'create-graceful-shutdown.js');
export const REPOS = join(import.meta.dirname, 'repos');

/** Every slow path in the corpus does this much work; the exit bound is tied to it. */
export const WORK_MS = 1000;
export const IDLE_CONNECTIONS = 300;
export const IN_FLIGHT = 20;
/** Time between writing the in-flight requests and SIGTERM, so the server has read them. */
export const SETTLE_MS = 200;
/** docker stop's default: SIGKILL 10 s after SIGTERM. */
export const KILL_AFTER_MS = 10_000;

type BuildSpec = string | { command: string; cwd?: string } | null;
type LauncherSpec =
  | { from: 'script'; script: string; cwd?: string }
  | { from: 'dockerfile'; dockerfile: string; stage?: string; cwd?: string };

export interface CorpusSpec {
  name: string;
  shape: string;
  readFrom: string;
  build: BuildSpec;
  launcher: LauncherSpec;
  portEnv: string;
  readyPath: string;
  slowPath: string;
  tls?: boolean;
  workspaceLinks?: Record<string, string>;
  wsClients?: { protocol: 'ws' | 'socket.io'; path: string; count: number };
  /** A line the app's own shutdown hook prints: it must appear after SIGTERM once the tool has wired the app. */
  stopLogAfter?: string;
  /**
   * The tool may refuse this repo by design (say why here): a non-zero CLI exit that writes nothing
   * is then accepted, and only "no worse than before" is asserted.
   */
  refusalAllowed?: string;
  /** A regular expression the CLI's output must match (a message the repo must get). */
  cliSays?: string;
}

export function listCorpus(): CorpusSpec[] {
  return readdirSync(REPOS)
    .filter((n) => existsSync(join(REPOS, n, 'corpus.json')))
    .sort()
    .map((name) => ({ name, ...(JSON.parse(readFileSync(join(REPOS, name, 'corpus.json'), 'utf8')) as Omit<CorpusSpec, 'name'>) }));
}

const temps: string[] = [];
export function cleanupTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/**
 * A fresh copy of the repo (corpus.json left out: it describes the repo, it is not part of it)
 * with a node_modules of symlinks to this project's packages, plus the workspace links npm or
 * pnpm would make. A real directory, so tools that write node_modules/.cache write into the copy.
 */
export function copyRepo(spec: CorpusSpec, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cgs-corpus-${spec.name}-${label}-`));
  temps.push(dir);
  cpSync(join(REPOS, spec.name), dir, { recursive: true, filter: (src) => relative(join(REPOS, spec.name), src) !== 'corpus.json' });
  const nm = join(dir, 'node_modules');
  mkdirSync(nm);
  const projectModules = join(ROOT, 'node_modules');
  for (const entry of readdirSync(projectModules)) {
    if (entry.startsWith('.') && entry !== '.bin') continue;
    if (entry === '@types') continue;
    symlinkSync(join(projectModules, entry), join(nm, entry));
  }
  // Only the type packages a real install of this repo would hoist: a tsconfig without `types`
  // includes every node_modules/@types entry, and this project has ones the repo never installs.
  mkdirSync(join(nm, '@types'));
  for (const t of typePackages(join(REPOS, spec.name), projectModules))
    symlinkSync(join(projectModules, '@types', t), join(nm, '@types', t));
  for (const [pkg, where] of Object.entries(spec.workspaceLinks ?? {})) {
    const link = join(nm, pkg);
    if (pkg.startsWith('@')) {
      const scope = dirname(link);
      if (existsSync(scope) && lstatSync(scope).isSymbolicLink())
        throw new Error(`${spec.name}: workspace scope ${pkg} collides with an installed scope`);
      mkdirSync(scope, { recursive: true });
    }
    symlinkSync(join(dir, where), link);
  }
  return dir;
}

/** @types packages the repo's package.json files declare, with the @types packages they depend on. */
function typePackages(repo: string, projectModules: string): string[] {
  const wanted = new Set<string>();
  const visit = (name: string): void => {
    const t = name.slice('@types/'.length);
    if (wanted.has(t) || !existsSync(join(projectModules, '@types', t))) return;
    wanted.add(t);
    const pkg = JSON.parse(readFileSync(join(projectModules, '@types', t, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const d of Object.keys(pkg.dependencies ?? {})) if (d.startsWith('@types/')) visit(d);
  };
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'node_modules') walk(join(dir, e.name));
      else if (e.name === 'package.json') {
        const pkg = JSON.parse(readFileSync(join(dir, e.name), 'utf8')) as {
          dependencies?: Record<string, string>;
          devDependencies?: Record<string, string>;
        };
        for (const d of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})])
          if (d.startsWith('@types/')) visit(d);
      }
    }
  };
  walk(repo);
  return [...wanted].sort();
}

export interface CommandResult {
  code: number | null;
  output: string;
  ms: number;
}

export function run(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 600_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => killGroup(child), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Math.round(performance.now() - t0) });
    });
  });
}

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };
  // vitest's own variables would leak into the apps and their builds.
  for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'TEST' || k === 'NODE_OPTIONS') delete env[k];
  return env;
}

export async function runBuild(spec: CorpusSpec, dir: string): Promise<{ ok: boolean; ms: number; tail: string } | null> {
  if (!spec.build) return null;
  const b = typeof spec.build === 'string' ? { command: spec.build } : spec.build;
  const r = await run(['/bin/sh', '-c', b.command], join(dir, b.cwd ?? '.'));
  return { ok: r.code === 0, ms: r.ms, tail: r.output.trim().split('\n').slice(-15).join('\n') };
}

export async function runCli(dir: string): Promise<CommandResult> {
  return run([process.execPath, BIN, dir, '--yes'], dir, {}, 120_000);
}

// ---------------------------------------------------------------- launcher

export interface Launch {
  argv: string[];
  cwd: string;
  /** Where the command came from, for the report. */
  source: string;
  /** Run as PID 1 of a new PID namespace, as a container runs its command. */
  pid1: boolean;
}

/** The command the container (or the start script) runs, read from the copy as it is now. */
export function resolveLauncher(spec: CorpusSpec, dir: string): Launch {
  const cwd = join(dir, spec.launcher.cwd ?? '.');
  if (spec.launcher.from === 'script') {
    const cmd = scriptCommand(cwd, spec.launcher.script);
    return { argv: commandArgv(cmd), cwd, source: `npm run ${spec.launcher.script} -> ${cmd}`, pid1: false };
  }
  const file = join(dir, spec.launcher.dockerfile);
  const argv = dockerCommand(readFileSync(file, 'utf8'), spec.launcher.stage);
  if (argv.length === 0) throw new Error(`${spec.name}: ${spec.launcher.dockerfile} has no ENTRYPOINT or CMD`);
  const shown = JSON.stringify(argv);
  // tini is at /sbin/tini on Alpine, /usr/bin/tini on Debian: run this machine's.
  if (/(^|\/)tini(-static)?$/.test(argv[0]!)) argv[0] = existsSync('/usr/bin/tini') ? '/usr/bin/tini' : 'tini';
  const pid1 = canUnshare();
  return {
    argv,
    cwd,
    source: `${spec.launcher.dockerfile}: ${shown}${pid1 ? ' as PID 1' : ' (not as PID 1: unshare --pid needs root)'}`,
    pid1,
  };
}

/**
 * What `npm run <script>` ends up running: the script's command, following `npm run x` / `npm start`
 * chains. The harness runs that command itself (npm's signal forwarding is the container part's
 * business, measured where a Dockerfile starts through npm); a Dockerfile that runs npm keeps npm.
 */
export function scriptCommand(cwd: string, script: string): string {
  const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const cmd = pkg.scripts?.[script];
  if (!cmd) throw new Error(`no "${script}" script in ${join(cwd, 'package.json')}`);
  const chained = /^npm (?:run(?:-script)? )?(\S+)$/.exec(cmd.trim());
  if (chained && chained[1] !== 'install')
    return scriptCommand(cwd, chained[1] === 'start' || chained[1] === 'run' ? 'start' : chained[1]!);
  return cmd.trim();
}

/** A simple command as its words (npm's `sh -c` would fork: dash does not exec the last command); else sh -c. */
function commandArgv(cmd: string): string[] {
  if (/[|&;<>()$`*?\\"'\n]/.test(cmd)) return ['/bin/sh', '-c', cmd];
  return cmd.split(/\s+/);
}

/** PATH as npm sets it for scripts: every node_modules/.bin from cwd up, then the caller's PATH. */
function npmPath(cwd: string): string {
  const bins: string[] = [];
  for (let d = cwd; ; d = dirname(d)) {
    bins.push(join(d, 'node_modules', '.bin'));
    if (dirname(d) === d) break;
  }
  return [...bins, process.env['PATH'] ?? ''].join(':');
}

let unshareWorks: boolean | undefined;
function canUnshare(): boolean {
  unshareWorks ??= spawnSync('unshare', ['--pid', '--fork', '--kill-child', 'true']).status === 0;
  return unshareWorks;
}

interface Stage {
  name?: string;
  from: string;
  entrypoint?: { exec: boolean; words: string[] };
  cmd?: { exec: boolean; words: string[] };
}

/** ENTRYPOINT + CMD of a stage (the last one unless named), following FROM <stage> inheritance. */
export function dockerCommand(text: string, stageName?: string): string[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const op = m[1]!.toUpperCase();
    const rest = m[2]!.trim();
    if (op === 'FROM') {
      const f = /^(?:--\S+\s+)*(\S+)(?:\s+as\s+(\S+))?/i.exec(rest)!;
      stages.push({ from: f[1]!, ...(f[2] ? { name: f[2] } : {}) });
      continue;
    }
    const st = stages.at(-1);
    if (!st) continue;
    if (op === 'ENTRYPOINT' || op === 'CMD') {
      let form: { exec: boolean; words: string[] };
      try {
        const parsed: unknown = JSON.parse(rest);
        form = Array.isArray(parsed) ? { exec: true, words: parsed.map(String) } : { exec: false, words: [rest] };
      } catch {
        form = { exec: false, words: [rest] };
      }
      if (op === 'ENTRYPOINT') {
        st.entrypoint = form;
        delete st.cmd; // a new ENTRYPOINT resets an inherited CMD; a CMD after it in this stage still counts
      } else st.cmd = form;
    }
  }
  const byName = (n: string): Stage | undefined => stages.find((s) => s.name?.toLowerCase() === n.toLowerCase());
  let stage = stageName ? byName(stageName) : stages.at(-1);
  if (!stage) return [];
  let entrypoint = stage.entrypoint;
  let cmd = stage.cmd;
  const seen = new Set<Stage>();
  while ((!entrypoint || !cmd) && !seen.has(stage)) {
    seen.add(stage);
    const parent = byName(stage.from);
    if (!parent) break;
    if (!entrypoint && !cmd) {
      entrypoint = parent.entrypoint;
      cmd = parent.cmd;
    } else if (!cmd && !stage.entrypoint) cmd = parent.cmd;
    else if (!entrypoint) entrypoint = parent.entrypoint;
    stage = parent;
  }
  const sh = (f: { exec: boolean; words: string[] }): string[] => (f.exec ? f.words : ['/bin/sh', '-c', f.words.join(' ')]);
  if (entrypoint) return entrypoint.exec ? [...entrypoint.words, ...(cmd ? sh(cmd) : [])] : sh(entrypoint);
  return cmd ? sh(cmd) : [];
}

// ---------------------------------------------------------------- load and measure

export interface Measurement {
  launch: string;
  started: boolean;
  /** Why it did not start, or output tail. */
  startError?: string;
  idleOpenAtSignal: number;
  inFlight: number;
  answered: number;
  /** ms from SIGTERM until the launched process exited (or was killed). */
  exitMs: number | null;
  /** Work the in-flight requests still had to do at SIGTERM. */
  workLeftMs: number;
  code: number | null;
  signal: string | null;
  killed: boolean;
  /** Processes of the launch still alive after the launched process exited. */
  leftover: boolean;
  wsCloseCodes: number[];
  outputAfterSignal: string;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** How many of these client connections still have request bytes the server has not read (ss Recv-Q). */
function unreadOnServer(port: number, clientPorts: Set<number | undefined>): number {
  const r = spawnSync('ss', ['-tnH', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
  if (r.status !== 0) return 0;
  let unread = 0;
  for (const line of r.stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4) continue;
    const peerPort = Number(cols[3]!.slice(cols[3]!.lastIndexOf(':') + 1));
    if (clientPorts.has(peerPort) && Number(cols[0]) > 0) unread++;
  }
  return unread;
}

/** The process unshare forked: PID 1 of the new namespace, the one `docker stop` signals. */
async function pid1Of(unsharePid: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    try {
      const kids = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      if (kids[0]) return Number(kids[0]);
    } catch {
      /* not there yet */
    }
    await sleep(20);
  }
  throw new Error(`unshare ${unsharePid} has no child`);
}

async function waitReady(port: number, path: string, tls: boolean, child: ChildProcess, timeoutMs: number): Promise<string | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null || child.signalCode !== null)
      return `exited before listening (code ${child.exitCode}, signal ${child.signalCode})`;
    const c = new Connection(port, { tls });
    try {
      await c.ready;
      const r = await Promise.race([c.request(path), sleep(5000).then(() => null)]);
      if (r?.complete && r.status > 0 && r.status < 500) return null;
    } catch {
      // not listening yet
    } finally {
      c.destroy();
    }
    await sleep(150);
  }
  return `not answering ${path} after ${timeoutMs} ms`;
}

export async function measure(spec: CorpusSpec, dir: string): Promise<Measurement> {
  const launch = resolveLauncher(spec, dir);
  const port = await freePort();
  const tls = spec.tls === true;
  // A container's command is PID 1 of its own PID namespace: signals it has no handler for do not
  // reach it, and when it exits everything else in the container dies with it.
  const argv = launch.pid1 ? ['unshare', '--pid', '--fork', '--kill-child', ...launch.argv] : launch.argv;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: launch.cwd,
    env: { ...baseEnv(), PATH: npmPath(launch.cwd), [spec.portEnv]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  let signalAt = -1;
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const base: Measurement = {
    launch: launch.source,
    started: false,
    idleOpenAtSignal: 0,
    inFlight: IN_FLIGHT,
    answered: 0,
    exitMs: null,
    workLeftMs: 0,
    code: null,
    signal: null,
    killed: false,
    leftover: false,
    wsCloseCodes: [],
    outputAfterSignal: '',
  };
  const conns: Connection[] = [];
  const sockets: WsClient[] = [];
  try {
    const notReady = await waitReady(port, spec.readyPath, tls, child, 90_000);
    if (notReady) return { ...base, startError: `${notReady}\n${output.trim().split('\n').slice(-10).join('\n')}` };

    // 300 connections that each made one request and now sit idle with keep-alive.
    // The ready path answers (any status below 500): a whole answer makes the connection idle.
    const idle = await openIdle(port, IDLE_CONNECTIONS, { tls, path: spec.readyPath, batch: IDLE_CONNECTIONS, accept: (r) => r.complete });
    conns.push(...idle);

    const ws = spec.wsClients;
    const wsUrl = ws && `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}${ws.path}`;
    if (ws && wsUrl) for (let i = 0; i < ws.count; i++) sockets.push(await openWebSocket(wsUrl, { socketIo: ws.protocol === 'socket.io' }));

    // 20 in-flight requests on their own connections, kept open after the response.
    const busy = Array.from({ length: IN_FLIGHT }, () => new Connection(port, { tls }));
    conns.push(...busy);
    await Promise.all(busy.map((c) => c.ready));
    const sentAt = performance.now();
    const outcomes = busy.map((c) => c.request(spec.slowPath).then((r) => r.complete && r.status === 200));
    await sleep(SETTLE_MS);
    // On a loaded machine the server may not have read every request yet: wait (up to the work
    // itself) until the kernel holds no unread bytes on its side of the 20 connections.
    const busyPorts = new Set(busy.map((c) => c.socket.localPort));
    for (let waited = SETTLE_MS; waited < WORK_MS && unreadOnServer(port, busyPorts) > 0; waited += 25) await sleep(25);

    const idleOpen = idle.filter((c) => !c.closed).length;
    signalAt = output.length;
    const t0 = performance.now();
    process.kill(launch.pid1 ? await pid1Of(child.pid!) : child.pid!, 'SIGTERM');
    const killTimer = setTimeout(() => killGroup(child), KILL_AFTER_MS);
    const ended = await exited;
    clearTimeout(killTimer);
    const exitMs = Math.round(ended.at - t0);
    const killed = exitMs >= KILL_AFTER_MS - 5 && ended.signal === 'SIGKILL';
    await sleep(100); // let the clients see what the exit did to their sockets
    // Inside a PID namespace the kernel ends everything with PID 1; only a plain launch can leave processes.
    const leftover = !launch.pid1 && !killed && groupAlive(child.pid!);
    killGroup(child);
    const answered = (await Promise.all(outcomes.map((o) => Promise.race([o, sleep(2000).then(() => false)])))).filter(Boolean).length;
    return {
      ...base,
      started: true,
      idleOpenAtSignal: idleOpen,
      answered,
      exitMs,
      workLeftMs: Math.max(0, Math.round(WORK_MS - (t0 - sentAt))),
      code: ended.code,
      signal: ended.signal,
      killed,
      leftover,
      wsCloseCodes: sockets.flatMap((s) => (s.closeCode === null ? [] : [s.closeCode])).sort((a, b) => a - b),
      outputAfterSignal: output.slice(signalAt),
    };
  } finally {
    closeAll(conns);
    for (const s of sockets) s.ws.terminate();
    killGroup(child);
  }
}

// ---------------------------------------------------------------- the whole before/after of one repo

export interface RepoResult {
  spec: CorpusSpec;
  buildBefore: Awaited<ReturnType<typeof runBuild>>;
  before: Measurement | null;
  cli: CommandResult;
  /** The plan wired the entrypoint (the tool claims to drain this app). */
  wired: boolean;
  changed: string[];
  buildAfter: Awaited<ReturnType<typeof runBuild>>;
  after: Measurement | null;
  error?: string;
}

/** Files of the copy that differ from the corpus repo (added, changed or removed), node_modules and build output aside. */
export function changedFiles(spec: CorpusSpec, dir: string): string[] {
  const skip = new Set(['node_modules', 'dist', '.next', 'tsconfig.tsbuildinfo', 'corpus.json', 'next-env.d.ts']);
  const files = (root: string): Map<string, string> => {
    const out = new Map<string, string>();
    const walk = (abs: string, rel: string): void => {
      for (const name of readdirSync(abs)) {
        if (skip.has(name)) continue;
        const a = join(abs, name);
        const r = rel ? `${rel}/${name}` : name;
        const st = lstatSync(a);
        if (st.isDirectory()) walk(a, r);
        else if (st.isFile()) out.set(r, readFileSync(a, 'latin1'));
      }
    };
    walk(root, '');
    return out;
  };
  const a = files(join(REPOS, spec.name));
  const b = files(dir);
  const changed: string[] = [];
  for (const [k, v] of b)
    if (!a.has(k)) changed.push(`+${k}`);
    else if (a.get(k) !== v) changed.push(`~${k}`);
  for (const k of a.keys()) if (!b.has(k)) changed.push(`-${k}`);
  return changed.sort();
}

/**
 * Whether the tool wired the app: a file of the repo other than the generated module now calls
 * setupSignalHandlers() (read from the files, not from the plan's wording).
 */
function wiresModule(spec: CorpusSpec, dir: string, changed: string[]): boolean {
  return changed.some((c) => {
    const rel = c.slice(1);
    if (
      c.startsWith('-') ||
      /(^|\/)shutdown\.[cm]?[jt]s$/.test(rel) ||
      rel.endsWith('.json') ||
      /(^|\/)(Dockerfile|\.dockerignore)$/.test(rel)
    )
      return false;
    const now = readFileSync(join(dir, rel), 'utf8');
    const was = c.startsWith('~') ? readFileSync(join(REPOS, spec.name, rel), 'utf8') : '';
    return /\bsetupSignalHandlers\s*\(/.test(now) && !/\bsetupSignalHandlers\s*\(/.test(was);
  });
}

export async function beforeAfter(spec: CorpusSpec): Promise<RepoResult> {
  const plain = copyRepo(spec, 'before');
  const buildBefore = await runBuild(spec, plain);
  const before = buildBefore && !buildBefore.ok ? null : await measure(spec, plain);

  const treated = copyRepo(spec, 'after');
  const cli = await runCli(treated);
  const changed = changedFiles(spec, treated);
  const wired = cli.code === 0 && wiresModule(spec, treated, changed);
  const buildAfter = await runBuild(spec, treated);
  const after = buildAfter && !buildAfter.ok ? null : await measure(spec, treated);
  return { spec, buildBefore, before, cli, wired, changed, buildAfter, after };
}

/** Run fn over items, `width` at a time, keeping input order in the result. */
export async function pool<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

// ---------------------------------------------------------------- verdicts

/** The exit bound: no later than before, or within the work left plus a margin proportional to it. */
export const MARGIN_FACTOR = 1;
export const EXIT_BOUND_MS = Math.round(WORK_MS * (1 + MARGIN_FACTOR));
/** "No later than before" allows this much timing noise, a fifth of the work. */
export const SAME_AS_BEFORE_MS = Math.round(WORK_MS * 0.2);

function fmt(m: Measurement | null, build: RepoResult['buildBefore']): string {
  if (build && !build.ok) return 'build FAILED';
  if (!m) return 'not run';
  if (!m.started) return `did not start (${m.startError?.split('\n')[0] ?? '?'})`;
  const end = m.killed ? 'KILLED at 10 s' : m.signal ? `signal ${m.signal}` : `exit ${m.code}`;
  return `${m.answered}/${m.inFlight} answered, ${m.exitMs} ms, ${end}${m.leftover ? ', processes left' : ''}${m.wsCloseCodes.length ? `, ws close [${[...new Set(m.wsCloseCodes)].join(',')}]` : ''}`;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}

export function summaryLine(r: RepoResult): string {
  const mode = r.error ? 'ERROR' : r.wired ? 'wired' : `not wired (cli exit ${r.cli.code})`;
  return `${r.spec.name.padEnd(24)} before: ${fmt(r.before, r.buildBefore)} | after (${mode}): ${fmt(r.after, r.buildAfter)}`;
}

/** Every "do no harm" rule the repo breaks; empty when the tool left it at least as good. */
export function verdict(r: RepoResult): string[] {
  const f: string[] = [];
  if (r.error) return [`harness error: ${r.error}`];
  const b = r.before;
  const a = r.after;
  if (r.buildBefore && !r.buildBefore.ok) f.push(`corpus repo broken: its build fails before the tool runs:\n${r.buildBefore.tail}`);
  if (b && !b.started) f.push(`corpus repo broken: it does not start before the tool runs: ${b.startError}`);
  if (f.length) return f;
  if (r.cli.code !== 0 && r.changed.length > 0) f.push(`CLI exited ${r.cli.code} but changed ${r.changed.join(' ')}`);
  if (r.spec.cliSays && !new RegExp(r.spec.cliSays, 'i').test(r.cli.output))
    f.push(`the CLI never says /${r.spec.cliSays}/ (${r.spec.name} needs that message)`);
  if (r.cli.code !== 0 && !r.spec.refusalAllowed) f.push(`CLI exited ${r.cli.code}: ${lastLine(r.cli.output)}`);
  if (r.buildAfter && !r.buildAfter.ok) return [...f, `build passed before, fails after the tool:\n${r.buildAfter.tail}`];
  if (!a?.started) return [...f, `starts before, does not start after: ${a?.startError ?? 'not run'}`];
  if (!b) return f;
  if (a.answered < b.answered) f.push(`in-flight answered ${b.answered}/${b.inFlight} before, ${a.answered}/${a.inFlight} after`);
  const exitOk = !a.killed && a.exitMs !== null && (a.exitMs <= (b.exitMs ?? Infinity) + SAME_AS_BEFORE_MS || a.exitMs <= EXIT_BOUND_MS);
  if (!exitOk)
    f.push(
      `exit ${a.killed ? 'killed at the 10 s limit' : `${a.exitMs} ms`} after, ${b.killed ? 'killed' : `${b.exitMs} ms`} before (bound: before + ${SAME_AS_BEFORE_MS} ms, or ${EXIT_BOUND_MS} ms = ${WORK_MS} ms of work + ${MARGIN_FACTOR * 100}%)`,
    );
  if (a.leftover && !b.leftover) f.push('processes of the app are left running after the launched process exits');
  if (r.wired) {
    if (a.code !== 0) f.push(`exit code ${a.code ?? `signal ${a.signal}`} after (wired: must be 0)`);
    if (r.spec.stopLogAfter && !a.outputAfterSignal.includes(r.spec.stopLogAfter))
      f.push(`the app's shutdown hook did not run after the tool ("${r.spec.stopLogAfter}" not printed)`);
  } else {
    if (a.code !== b.code || a.signal !== b.signal)
      f.push(`not wired, yet the stop changed: ${b.code ?? b.signal} before, ${a.code ?? a.signal} after`);
    // Issue 12: when the entry is refused, the module is written only if the user asked (--yes is not asking).
    const unused = r.changed.filter((c) => /^\+(.*\/)?shutdown\.[cm]?[jt]s$/.test(c));
    if (unused.length)
      f.push(`entry not wired, yet the shutdown module was written and nothing imports it: ${unused.map((c) => c.slice(1)).join(', ')}`);
  }
  return f;
}

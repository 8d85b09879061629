/**
 * The Python corpus harness: copy a repo, run the built CLI on it with --yes, make the user's one
 * hand edit, and start the program the way its launcher does, on Debian's Python packages
 * (/usr/bin/python3, gunicorn, uvicorn, Flask, Django, Celery, aiohttp):
 *
 * - a Dockerfile (or a compose service built from one) runs as a container would: the image's
 *   files are put in a fresh root by the Dockerfile's own COPY/ADD (build context, .dockerignore,
 *   WORKDIR, --from stages: src/edits/dockerfile/copy-files.ts's model), the build's own RUN steps
 *   that do not install packages run in it (`RUN flask routes` imports the app: a missing module
 *   fails the build), and ENTRYPOINT + CMD (or the compose command) runs as PID 1 of a new PID
 *   namespace chrooted there, the host's /usr bind-mounted read-only for Debian's Python; stopping
 *   is `docker stop`: STOPSIGNAL (compose stop_signal), then SIGKILL after the stop grace;
 * - a Procfile, Makefile or compose line runs under bash in the repo, the signal going to the
 *   whole process group (the run ends when the whole group is gone) (Heroku signals every process of the dyno; Ctrl+C reaches the foreground group).
 *
 * The same measurement runs on the unmodified copy first: "before" is what the tool must not make worse.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { imagePaths, dockerignoreMatcher } from '../../../src/edits/dockerfile/copy-files.js';
import { ancestry, parseStages } from '../../../src/detect/dockerfile-stages.js';
import { events, groupAlive } from '../../helpers/processes.js';

export { events, limiter } from '../../helpers/processes.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const CORPUS = import.meta.dirname;
/** The CLI under test; CORPUS_CLI=<path to bin/create-graceful-shutdown.js> measures another build (e.g. 4a075a1's). */
const BIN = process.env['CORPUS_CLI'] ?? join(ROOT, 'bin', 'create-graceful-shutdown.js');
export const PYTHON = '/usr/bin/python3';

const temps: string[] = [];
const running = new Set<ChildProcess>();

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pyapps-${prefix}-`));
  temps.push(dir);
  return dir;
}

export function cleanUp(): void {
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  running.clear();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function copyRepo(name: string): string {
  const dir = join(tempDir(name), name);
  cpSync(join(CORPUS, name), dir, { recursive: true });
  return dir;
}

/** Every file under dir, repo-relative POSIX paths. */
export function listFiles(dir: string, base = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, base))) {
    const rel = base ? `${base}/${name}` : name;
    if (name === '__pycache__') continue;
    if (statSync(join(dir, rel)).isDirectory()) out.push(...listFiles(dir, rel));
    else out.push(rel);
  }
  return out.sort();
}

export function snapshot(dir: string): Map<string, string> {
  return new Map(listFiles(dir).map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
}

export function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
}

export interface CliRun {
  code: number | null;
  out: string;
}

export function runCli(dir: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['CI'];
    const child = spawn(process.execPath, [BIN, dir, '--yes'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Programs a launcher names that Debian spells differently (`python`, `celery`, `uvicorn`). */
export function shims(into: string): string {
  mkdirSync(into, { recursive: true });
  const scripts: Record<string, string> = {
    python: `exec ${PYTHON} "$@"`,
    python3: `exec ${PYTHON} "$@"`,
    celery: `exec ${PYTHON} -m celery "$@"`,
    uvicorn: `exec ${PYTHON} -m uvicorn "$@"`,
  };
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(into, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(into, name), 0o755);
  }
  return into;
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

/** Command words with the port replaced by `port` (`--port 80`, `-b :5000`, `--bind 0.0.0.0:8000`). */
export function withPort(words: readonly string[], port: number): string[] {
  return words.map((w, i) => {
    const flag = words[i - 1];
    if (flag === '--port' || flag === '-p') return String(port);
    if (flag === '--bind' || flag === '-b') return w.replace(/:\d+$/, `:${port}`);
    return w;
  });
}

export interface Image {
  root: string;
  workdir: string;
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  stopSignal: NodeJS.Signals;
  /** The build log of the RUN steps that ran. */
  buildLog: string;
  /** The first RUN step that failed, with its output, or null. */
  buildFailure: string | null;
}

function words(content: string): string[] {
  const trimmed = content.trim();
  if (trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as string[];
    } catch {
      // shell form after all
    }
  }
  return ['/bin/sh', '-c', trimmed];
}

/** RUN steps that install packages cannot run here (no PyPI, no apt inside): Debian's packages stand in. */
const INSTALL_STEP = /\b(pip3?|apt-get|apk|uv|poetry|pipenv|addgroup|adduser|useradd|groupadd)\b/;

/** Bind the host's system into `root` and run `argv` there (in a new mount namespace, so nothing leaks). */
function chrootScript(root: string, workdir: string, env: Record<string, string>, argv: readonly string[]): string[] {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const binds = ['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib64', 'usr/share', 'usr/libexec', 'etc', 'dev', 'tmp']
    .filter((d) => existsSync(`/${d}`))
    .map((d) => `mkdir -p ${q(`${root}/${d}`)} && mount --rbind /${d} ${q(`${root}/${d}`)}`);
  const envWords = Object.entries(env)
    .map(([k, v]) => q(`${k}=${v}`))
    .join(' ');
  return [
    '/bin/sh',
    '-c',
    [
      ...binds,
      `mkdir -p ${q(`${root}/proc`)} && mount -t proc proc ${q(`${root}/proc`)}`,
      `exec /usr/sbin/chroot ${q(root)} /usr/bin/env -i -C ${q(workdir)} ${envWords} ${argv.map(q).join(' ')}`,
    ].join(' && '),
  ];
}

/**
 * The final stage of a Dockerfile as an image root: its COPY'd files, ENV, WORKDIR, ENTRYPOINT, CMD,
 * STOPSIGNAL; the build's RUN steps that install nothing are run in it (as the build would).
 */
export function buildImage(repo: string, dockerfile: string, context: string, shimDir: string): Image {
  const source = readFileSync(join(repo, dockerfile), 'utf8');
  const contextDir = join(repo, context);
  const ignored = dockerignoreMatcher(
    existsSync(join(contextDir, '.dockerignore')) ? readFileSync(join(contextDir, '.dockerignore'), 'utf8') : null,
  );
  const root = tempDir('image');
  for (const link of ['bin', 'sbin', 'lib', 'lib64']) spawnSync('ln', ['-s', `usr/${link}`, join(root, link)]);
  for (const [at, file] of imagePaths(source, listFiles(contextDir), ignored)) {
    mkdirSync(dirname(join(root, at)), { recursive: true });
    cpSync(join(contextDir, file), join(root, at));
  }
  mkdirSync(join(root, 'shims'), { recursive: true });
  cpSync(shimDir, join(root, 'shims'), { recursive: true });
  const { stages } = parseStages(source);
  const chain = ancestry(stages, stages.length - 1).reverse();
  const env: Record<string, string> = { PATH: '/shims:/usr/local/bin:/usr/bin:/bin', HOME: '/root', LANG: 'C.UTF-8' };
  const vars = new Map<string, string>();
  const expand = (t: string) =>
    t.replace(
      /\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g,
      (w, a?: string, d?: string, b?: string) => vars.get(a ?? b ?? '') ?? env[a ?? b ?? ''] ?? d ?? w,
    );
  let workdir = '/';
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let stopSignal: NodeJS.Signals = 'SIGTERM';
  let buildLog = '';
  let buildFailure: string | null = null;
  for (const stage of chain) {
    for (const ins of stage.instructions) {
      const kw = ins.getKeyword();
      const content = ins.getArgumentsContent() ?? '';
      if (kw === 'ARG' || kw === 'ENV') {
        const pairs = /^\s*\w+=/.test(content)
          ? [...content.matchAll(/(\w+)=("[^"]*"|\S*)/g)].map((m) => [m[1]!, m[2]!.replace(/^"|"$/g, '')])
          : kw === 'ENV'
            ? [[content.trim().split(/\s+/)[0]!, content.trim().replace(/^\S+\s+/, '')]]
            : [];
        for (const [k, v] of pairs) {
          if (kw === 'ENV') env[k!] = expand(v!);
          else vars.set(k!, expand(v!));
        }
      } else if (kw === 'WORKDIR') {
        workdir = posix.resolve(workdir, expand(content.trim()));
        mkdirSync(join(root, workdir), { recursive: true });
      } else if (kw === 'ENTRYPOINT') {
        entrypoint = words(content);
        cmd = [];
      } else if (kw === 'CMD') {
        cmd = words(content);
      } else if (kw === 'STOPSIGNAL') {
        stopSignal = content.trim() as NodeJS.Signals;
      } else if (kw === 'RUN' && stage === chain[chain.length - 1] && buildFailure === null && !INSTALL_STEP.test(content)) {
        const run = spawnSync('unshare', ['--mount', '--fork', ...chrootScript(root, workdir, env, ['/bin/sh', '-c', content])], {
          encoding: 'utf8',
          timeout: 60_000,
        });
        buildLog += `RUN ${content}\n${run.stdout}${run.stderr}`;
        if (run.status !== 0) buildFailure = `RUN ${content} (exit ${run.status}):\n${run.stdout}${run.stderr}`;
      }
    }
  }
  return { root, workdir, env, entrypoint, cmd, stopSignal, buildLog, buildFailure };
}

export interface Running {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output(): string;
  /** Send the stop signal the way this launcher does. */
  stop(signal: NodeJS.Signals): void;
}

/**
 * `wholeGroup`: the run ends when the last process of the group is gone (a shell that forks the
 * program, gunicorn's workers), not when the leader exits.
 */
function track(child: ChildProcess, stop: (signal: NodeJS.Signals) => void, wholeGroup = false): Running {
  running.add(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => {
      const done = () => {
        running.delete(child);
        resolve({ code, signal, at: performance.now() });
      };
      if (!wholeGroup || !child.pid) return done();
      const poll = setInterval(() => {
        if (!groupAlive(child.pid!)) {
          clearInterval(poll);
          done();
        }
      }, 10);
    });
  });
  return { child, exited, output: () => output, stop };
}

/** Run `argv` as PID 1 of a container made from `image` (env added to the image's). */
export function startContainer(image: Image, argv: readonly string[], env: Record<string, string>, workdir = image.workdir): Running {
  const child = spawn(
    'unshare',
    ['--mount', '--pid', '--fork', '--kill-child', ...chrootScript(image.root, workdir, { ...image.env, ...env }, argv)],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return track(child, (signal) => {
    // PID 1 of the namespace: the only child of unshare.
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    for (const pid of children) process.kill(Number(pid), signal);
  });
}

/**
 * Run a launcher line (Procfile, Makefile, compose) under bash in `cwd`; signals go to the process
 * group (Heroku, Ctrl+C), or to the program alone ('leader': `docker stop` signals PID 1 only).
 */
export function startLine(
  line: string,
  cwd: string,
  env: Record<string, string>,
  shimDir: string,
  signalTo: 'group' | 'leader' = 'group',
): Running {
  // bash, as Heroku runs Procfile lines: a single command is exec'd, so the signal reaches the program.
  const child = spawn('/bin/bash', ['-c', line], {
    cwd,
    env: {
      PATH: `${shimDir}:/usr/bin:/bin`,
      HOME: process.env['HOME'] ?? '/root',
      LANG: 'C.UTF-8',
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      ...env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return track(child, (signal) => process.kill(signalTo === 'group' ? -child.pid! : child.pid!, signal), true);
}

/** `docker stop`: the signal, then SIGKILL after the grace. Milliseconds from the signal to the exit. */
export async function stopWithin(
  proc: Running,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<{ ms: number; killed: boolean; code: number | null }> {
  const sent = performance.now();
  proc.stop(signal);
  const timer = new Promise<'late'>((r) => setTimeout(() => r('late'), graceMs));
  const first = await Promise.race([proc.exited, timer]);
  if (first === 'late') {
    try {
      process.kill(-proc.child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
    const end = await proc.exited;
    return { ms: end.at - sent, killed: true, code: end.code };
  }
  return { ms: first.at - sent, killed: false, code: first.code };
}

/** Resolves as the program prints a line matching `pattern` (on its own output, not a poll); rejects on exit or timeout. */
export function waitForLine(proc: Running, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const streams = [proc.child.stdout, proc.child.stderr].filter((s) => s !== null);
    const done = (error?: Error) => {
      clearTimeout(timer);
      for (const s of streams) s.off('data', check);
      proc.child.off('exit', exited);
      if (error) reject(error);
      else resolve();
    };
    // The listener runs after track()'s, which appended this chunk to output() already.
    const check = () => {
      if (pattern.test(proc.output())) done();
    };
    const exited = () => done(new Error(`exited before ${pattern}:\n${proc.output()}`));
    const timer = setTimeout(() => done(new Error(`no ${pattern} within ${timeoutMs} ms:\n${proc.output()}`)), timeoutMs);
    for (const s of streams) s.on('data', check);
    proc.child.once('exit', exited);
    check();
  });
}

/**
 * A fifo the program opens for reading at a point it waits at (GO_FIFO); `release` lets it go on.
 * The fifo is opened without blocking, so that no thread waits on a program that is gone: until the
 * program has it open (ENXIO, no reader yet) it tries again, and it gives up once the program ended.
 */
export function holdPoint(dir: string): { path: string; release(proc: Running): Promise<void> } {
  const path = join(dir, `go-${Math.random().toString(36).slice(2)}`);
  const made = spawnSync('mkfifo', [path], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`mkfifo ${path}: ${made.stderr}`);
  return {
    path,
    async release(proc) {
      const { child } = proc;
      for (;;) {
        try {
          closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
          return;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e;
        }
        if (child.exitCode !== null || child.signalCode !== null) return;
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, proc: Running, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (!(await ok())) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`exited before ${what}:\n${proc.output()}`);
    if (performance.now() > until) throw new Error(`no ${what} within ${timeoutMs} ms:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** Compose `services.<name>`: command, working_dir, stop_signal, stop_grace_period, env_file values. */
export function composeService(
  repo: string,
  file: string,
  name: string,
): {
  command: string[] | null;
  workdir: string | null;
  stopSignal: NodeJS.Signals | null;
  graceMs: number | null;
  env: Record<string, string>;
} {
  const doc = parseYaml(readFileSync(join(repo, file), 'utf8'), { merge: true }) as { services: Record<string, Record<string, unknown>> };
  const s = doc.services[name]!;
  const command =
    typeof s['command'] === 'string'
      ? (s['command'] as string).split(/\s+/)
      : Array.isArray(s['command'])
        ? (s['command'] as string[])
        : null;
  const grace = typeof s['stop_grace_period'] === 'string' ? /^(\d+)s$/.exec(s['stop_grace_period'] as string) : null;
  const env: Record<string, string> = {};
  const files = Array.isArray(s['env_file'])
    ? (s['env_file'] as string[])
    : typeof s['env_file'] === 'string'
      ? [s['env_file'] as string]
      : [];
  for (const f of files) {
    for (const line of readFileSync(join(repo, dirname(file), f), 'utf8').split('\n')) {
      const m = /^(\w+)=(.*)$/.exec(line.trim());
      if (m) env[m[1]!] = m[2]!;
    }
  }
  return {
    command,
    workdir: typeof s['working_dir'] === 'string' ? (s['working_dir'] as string) : null,
    stopSignal: typeof s['stop_signal'] === 'string' ? (s['stop_signal'] as NodeJS.Signals) : null,
    graceMs: grace ? Number(grace[1]) * 1000 : null,
    env,
  };
}

/** A line of a Procfile (`web:`) or a Makefile target's first recipe line. */
export function launcherLine(repo: string, file: 'Procfile' | 'Makefile', name: string): string {
  const text = readFileSync(join(repo, file), 'utf8');
  if (file === 'Procfile') {
    const line = text.split('\n').find((l) => l.startsWith(`${name}:`));
    if (!line) throw new Error(`${repo}/Procfile: no ${name}: line`);
    return line.slice(name.length + 1).trim();
  }
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${name}:`));
  const recipe = lines[at + 1];
  if (at < 0 || !recipe?.startsWith('\t')) throw new Error(`${repo}/Makefile: no ${name} target`);
  return recipe.trim();
}

/**
 * The user's one hand edit: below the `from ...signal_handlers import ...` line the tool wrote, import
 * register_shutdown_handler too and register a handler that appends "ran <pid>" to `marker`.
 */
export function handEdit(file: string, marker: string): void {
  const text = readFileSync(file, 'utf8');
  const m = /^(from (\S*signal_handlers) import )([^\n()]+)$/m.exec(text);
  if (!m) throw new Error(`${file}: no \`from signal_handlers import ...\` line written by the tool:\n${text}`);
  const names = m[3]!.includes('register_shutdown_handler') ? m[3]! : `${m[3]!}, register_shutdown_handler`;
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', m.index) + 1))?.[0] ?? '';
  const line = `${indent}register_shutdown_handler("corpus", lambda: open(${JSON.stringify(marker)}, "a").write("ran %d\\n" % __import__("os").getpid()))`;
  writeFileSync(file, text.slice(0, m.index) + `${m[1]}${names}\n${line}` + text.slice(m.index + m[0].length));
}

/** Pids that ran the registered handler, one entry per run. */
export function handlerRuns(marker: string): number[] {
  return events(marker).map((l) => Number(l.replace(/^ran /, '')));
}

/**
 * Local modules the entry imports, transitively, as paths relative to `base` (sys.path roots: the
 * entry's own directory for a script, `base`). Read with Python's own ast.
 */
export function importClosure(base: string, entry: string, roots: readonly string[]): string[] {
  const script = `
import ast, os, sys
base, entry, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
seen, todo = set(), [entry]
def resolve(name, here):
    for root in roots + [os.path.dirname(here)]:
        p = os.path.join(base, root, *name.split("."))
        for c in (p + ".py", os.path.join(p, "__init__.py")):
            if os.path.isfile(c):
                return os.path.relpath(c, base)
    return None
while todo:
    f = todo.pop()
    if f in seen:
        continue
    seen.add(f)
    tree = ast.parse(open(os.path.join(base, f)).read())
    pkg = os.path.dirname(f)
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                d = pkg
                for _ in range(node.level - 1):
                    d = os.path.dirname(d)
                mod = (d.replace("/", ".") + ("." + node.module if node.module else "")).strip(".")
                names = [mod] + [mod + "." + a.name for a in node.names]
                for n in names:
                    parts = n.split(".")
                    p = os.path.join(base, *parts)
                    for c in (p + ".py", os.path.join(p, "__init__.py")):
                        if os.path.isfile(c):
                            todo.append(os.path.relpath(c, base))
                continue
            names = [node.module] + [node.module + "." + a.name for a in node.names]
        for n in names:
            parts = n.split(".")
            for i in range(1, len(parts) + 1):
                r = resolve(".".join(parts[:i]), f)
                if r:
                    todo.append(r)
print("\\n".join(sorted(seen)))
`;
  const run = spawnSync(PYTHON, ['-c', script, base, entry, ...roots], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return run.stdout.split('\n').filter(Boolean);
}

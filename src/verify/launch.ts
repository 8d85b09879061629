/**
 * The launch plan: how production starts the app (the Dockerfile's ENTRYPOINT/CMD, else the start
 * script's command, else the Python start command detection found; `--command` overrides), and how
 * its container would stop it (STOPSIGNAL, the stop grace of the timeout chain, the exit code the
 * tool was configured for). Reads the repository; never writes.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { delimiter, dirname, join, posix, resolve } from 'node:path';
import { constants } from 'node:os';
import { detect } from '../detect/index.js';
import type { App, Facts } from '../detect/facts.js';
import { UserError } from '../core/errors.js';
import { readCompose } from '../detect/compose-file.js';
import { scriptTargetFile, resolveStartScript } from '../detect/start-script.js';
import { splitSimpleCommand } from '../detect/simple-command.js';
import { containerCommand } from './dockerfile-command.js';
import { mapShellScript, mapToHost, programIndex, replacePort, which } from './host-programs.js';
import { DEFAULTS, type LaunchPlan, type VerifyOptions } from './types.js';

const PY_SERVERS = /^(uvicorn|gunicorn|flask|fastapi|hypercorn|daphne)$/;

interface Found {
  argv: string[];
  source: string;
  /** Directory the command runs in. */
  cwd: string;
  env: Record<string, string>;
  stopSignal: string | null;
  stopSignalSource: string;
  /** Container paths (WORKDIR) that stand for cwd. */
  workdir: string | null;
  /** npm puts node_modules/.bin on PATH for scripts; a container does not. */
  localBins: boolean;
  /** The module a Python app needs (its framework), to pick an interpreter that has it. */
  pythonNeeds?: string | null;
}

export function planLaunch(options: VerifyOptions, port: number, baseEnv: NodeJS.ProcessEnv): LaunchPlan {
  const root = resolve(options.dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new UserError(`${options.dir}: no such directory; pass the app's directory`, { exitCode: 2 });
  }
  const facts = options.command === null ? detect(root) : null;
  const found = options.command !== null ? fromOverride(options.command, root) : fromRepo(facts!, options.dir);
  const adjustments: string[] = [];

  let argv = found.argv;
  if (found.workdir) argv = argv.map((w) => mapWorkdir(w, found.workdir!, found.cwd, adjustments));
  const ported = isPythonServer(argv) ? replacePort(argv, port) : shellPort(argv, port);
  argv = ported.argv;
  adjustments.push(...ported.notes);

  const pathEnv = [found.localBins ? join(found.cwd, 'node_modules', '.bin') : '', baseEnv['PATH'] ?? ''].filter(Boolean).join(delimiter);
  const mapped = mapToHost(argv, pathEnv, found.pythonNeeds ?? null);
  argv = mapped.argv;
  adjustments.push(...mapped.notes);
  const sh = shellScriptIndex(argv);
  if (sh !== null) {
    const inner = mapShellScript(argv[sh]!, pathEnv, found.pythonNeeds ?? null);
    argv = [...argv.slice(0, sh), inner.script, ...argv.slice(sh + 1)];
    adjustments.push(...inner.notes);
  }
  checkRunnable(argv, found, pathEnv);

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  // A container has no TTY and no CI flag; the image's ENV wins over this shell's, PATH excepted.
  delete env['CI'];
  for (const [k, v] of Object.entries(found.env)) if (k !== 'PATH') env[k] = v;
  env['PATH'] = pathEnv;
  env['PORT'] = String(port);

  // compose's stop_signal overrides the image's STOPSIGNAL, as `docker compose stop` does.
  const composeSignal = options.stopSignal || options.command !== null ? null : composeStopSignal(root, facts);
  if (composeSignal) {
    found.stopSignal = composeSignal.signal;
    found.stopSignalSource = composeSignal.source;
  }
  const signal = options.stopSignal ?? normaliseSignal(found.stopSignal, found.stopSignalSource);
  const grace = options.graceMs !== null ? { ms: options.graceMs, source: '--grace' } : stopGrace(root, facts);
  const expected = options.expectExit !== null ? { code: options.expectExit, source: '--expect-exit' } : expectedExit(root, signal);
  return {
    argv,
    source: found.source,
    cwd: found.cwd,
    env,
    port,
    stopSignal: signal,
    stopSignalSource: options.stopSignal ? '--stop-signal' : found.stopSignal ? found.stopSignalSource : 'the default: no STOPSIGNAL',
    graceMs: grace.ms,
    graceSource: grace.source,
    expectedExit: expected.code,
    expectedExitSource: expected.source,
    adjustments,
  };
}

function fromOverride(command: string, root: string): Found {
  const simple = splitSimpleCommand(command);
  const argv = simple ?? ['/bin/sh', '-c', command];
  const env: Record<string, string> = {};
  // `PORT=1 node x`: leading assignments are environment, as a shell would treat them.
  while (simple && argv.length > 1 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0]!)) {
    const [k, ...v] = argv.shift()!.split('=');
    env[k!] = v.join('=');
  }
  return { argv, source: '--command', cwd: root, env, stopSignal: null, stopSignalSource: '', workdir: null, localBins: true };
}

function fromRepo(facts: Facts, dir: string): Found {
  const app = pickApp(facts, dir);
  return { ...fromApp(facts, dir, app), pythonNeeds: app?.kind === 'python' ? frameworkModule(app.framework) : null };
}

function frameworkModule(framework: string): string | null {
  return ['fastapi', 'starlette', 'flask', 'django', 'aiohttp'].includes(framework) ? framework : null;
}

function fromApp(facts: Facts, dir: string, app: App | null): Found {
  const appDir = app ? join(facts.root, app.dir) : facts.root;
  const dockerfile = pickDockerfile(facts, app);
  if (dockerfile) {
    const source = readFileSync(join(facts.root, dockerfile), 'utf8');
    const c = containerCommand(source);
    if (c) {
      return {
        argv: c.argv,
        source: `${dockerfile} ${c.from}`,
        cwd: dirname(join(facts.root, dockerfile)),
        env: c.env,
        stopSignal: c.stopSignal,
        stopSignalSource: `${dockerfile} STOPSIGNAL`,
        workdir: c.workdir,
        localBins: false,
      };
    }
  }
  if (app?.kind === 'node') {
    const pkg = app.dir ? `${app.dir}/package.json` : 'package.json';
    // Nest and others keep `start` for development and `start:prod` for what production runs.
    const script = app.scripts['start:prod'] !== undefined ? 'start:prod' : 'start';
    const start = resolveStartScript(app.scripts, script);
    if (start?.resolved) {
      return {
        ...splitCommand(start.resolved),
        source: `${pkg} "${start.chain.join('" → "')}"`,
        cwd: appDir,
        stopSignal: null,
        stopSignalSource: '',
        workdir: null,
        localBins: true,
      };
    }
    if (app.entrypoint && /\.(c|m)?js$/.test(app.entrypoint.path)) {
      return {
        argv: ['node', app.entrypoint.path],
        env: {},
        source: `${pkg} ${app.entrypoint.via}`,
        cwd: appDir,
        stopSignal: null,
        stopSignalSource: '',
        workdir: null,
        localBins: true,
      };
    }
  }
  if (app?.kind === 'python' && app.startCommand) {
    return {
      ...splitCommand(app.startCommand),
      source: app.startSource ?? 'detected start command',
      cwd: appDir,
      stopSignal: null,
      stopSignalSource: '',
      workdir: null,
      localBins: false,
    };
  }
  if (!app)
    throw new UserError(
      `${dir}: found no Node or Python app (no package.json, pyproject.toml or requirements.txt with an entrypoint); run verify in the app's directory or pass --command "<how production starts it>"`,
    );
  throw new UserError(
    `${dir}: found no start command (no Dockerfile CMD, no package.json "start"); pass --command "<how production starts it>"`,
  );
}

function splitCommand(text: string): { argv: string[]; env: Record<string, string> } {
  const simple = splitSimpleCommand(text);
  if (!simple) return { argv: ['/bin/sh', '-c', text], env: {} };
  const env: Record<string, string> = {};
  while (simple.length > 1 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(simple[0]!)) {
    const [k, ...v] = simple.shift()!.split('=');
    env[k!] = v.join('=');
  }
  return { argv: simple, env };
}

function pickApp(facts: Facts, dir: string): App | null {
  const served = facts.apps.filter((a) =>
    a.kind === 'python' ? a.entrypoint !== null || a.startCommand !== null : a.entrypoint !== null || a.start !== null,
  );
  if (served.length === 0) return null;
  const atRoot = served.filter((a) => a.dir === '');
  if (atRoot.length > 0) return atRoot[0]!;
  if (served.length === 1) return served[0]!;
  throw new UserError(`${dir}: holds several apps (${served.map((a) => a.dir).join(', ')}); run verify in one app's directory`, {
    exitCode: 2,
  });
}

function pickDockerfile(facts: Facts, app: App | null): string | null {
  const dir = app?.dir ?? '';
  const candidates = facts.container.dockerfiles.filter((f) => posix.dirname(f) === (dir || '.'));
  return candidates.find((f) => /^(Dockerfile|Containerfile)$/.test(posix.basename(f))) ?? candidates[0] ?? null;
}

/** `/app/dist/server.js` with `WORKDIR /app` is `dist/server.js` of the repository. */
function mapWorkdir(word: string, workdir: string, cwd: string, notes: string[]): string {
  const w = workdir.replace(/\/$/, '');
  if (w === '' || !word.startsWith(`${w}/`)) return word;
  const local = join(cwd, word.slice(w.length + 1));
  notes.push(`${word} is ${local} (WORKDIR ${workdir})`);
  return local;
}

function isPythonServer(argv: readonly string[]): boolean {
  const p = programIndex(argv);
  const base = posix.basename(argv[p] ?? '');
  if (PY_SERVERS.test(base)) return true;
  return /^python/.test(base) && argv[p + 1] === '-m' && PY_SERVERS.test(argv[p + 2] ?? '');
}

/** The same port replacement inside a `sh -c` script that starts a Python server. */
function shellPort(argv: readonly string[], port: number): { argv: string[]; notes: string[] } {
  const at = shellScriptIndex(argv);
  if (at === null) return { argv: [...argv], notes: [] };
  const script = argv[at]!;
  if (!/\b(uvicorn|gunicorn|flask|fastapi|hypercorn|daphne)\b/.test(script)) return { argv: [...argv], notes: [] };
  const notes: string[] = [];
  const next = script.replace(/(--port[= ]|(?:-b|--bind)[= ]?\S*:)(\d+)\b/g, (whole, lead: string) => {
    notes.push(`${whole} replaced by ${lead}${port}`);
    return `${lead}${port}`;
  });
  return { argv: [...argv.slice(0, at), next, ...argv.slice(at + 1)], notes };
}

/** Index of the script in `[init --] sh -c <script>`, or null. */
function shellScriptIndex(argv: readonly string[]): number | null {
  const p = programIndex(argv);
  return /(^|\/)(ba|da)?sh$/.test(argv[p] ?? '') && argv[p + 1] === '-c' && argv[p + 2] !== undefined ? p + 2 : null;
}

function checkRunnable(argv: readonly string[], found: Found, pathEnv: string): void {
  const program = argv[programIndex(argv)];
  if (program === undefined) throw new UserError(`${found.source}: runs no program; pass --command "<how production starts it>"`);
  if (!which(program, pathEnv) && !(program.includes('/') && existsSync(join(found.cwd, program)))) {
    throw new UserError(`command not found: ${program} (from ${found.source}); install it or pass --command "<how production starts it>"`);
  }
  const base = posix.basename(program);
  if (base === 'node' || base === 'nodejs') {
    const target = scriptTargetFile(argv.slice(programIndex(argv)).join(' '));
    if (target && !nodeTargetExists(resolve(found.cwd, target))) {
      throw new UserError(
        `${target} (run by ${found.source}) does not exist: build the app first (e.g. npm run build), then run verify again`,
      );
    }
  }
}

function nodeTargetExists(path: string): boolean {
  return ['', '.js', '.cjs', '.mjs', '/index.js'].some((ext) => existsSync(path + ext) && statSync(path + ext).isFile());
}

function normaliseSignal(text: string | null, source: string): NodeJS.Signals {
  if (text === null) return 'SIGTERM';
  const upper = text.toUpperCase();
  const name = /^\d+$/.test(upper)
    ? Object.entries(constants.signals).find(([, n]) => n === Number(upper))?.[0]
    : upper.startsWith('SIG')
      ? upper
      : `SIG${upper}`;
  if (!name || !(name in constants.signals))
    throw new UserError(`${source} ${text} is not a signal this machine knows; fix it or pass --stop-signal`);
  return name as NodeJS.Signals;
}

/** The stop_signal of a compose service this repo builds, when one is set. */
function composeStopSignal(root: string, facts: Facts | null): { signal: string; source: string } | null {
  for (const file of facts?.container.composeFiles ?? []) {
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue;
    }
    const svc = readCompose(text).find((x) => x.buildContext !== null && x.stopSignal !== null);
    if (svc) return { signal: svc.stopSignal!, source: `${file} service "${svc.name}" stop_signal` };
  }
  return null;
}

/** The compose stop_grace_period of a service this repo builds, else `docker stop`'s 10 s. */
function stopGrace(root: string, facts: Facts | null): { ms: number; source: string } {
  for (const file of facts?.container.composeFiles ?? []) {
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue;
    }
    const svc = readCompose(text).find((s) => s.buildContext !== null && s.stopGraceSeconds !== null);
    if (svc) return { ms: svc.stopGraceSeconds! * 1000, source: `${file} service "${svc.name}" stop_grace_period` };
  }
  return { ms: DEFAULTS.graceMs, source: '`docker stop` default' };
}

/** The exit code the tool was configured for (`.graceful-shutdown.json`), else 0. */
function expectedExit(root: string, signal: NodeJS.Signals): { code: number; source: string } {
  try {
    const manifest = JSON.parse(readFileSync(join(root, '.graceful-shutdown.json'), 'utf8')) as { answers?: { exitMode?: string } };
    if (manifest.answers?.exitMode === 'signal')
      return { code: 128 + (constants.signals[signal] ?? 15), source: '.graceful-shutdown.json exitMode "signal"' };
    if (manifest.answers?.exitMode === 'zero') return { code: 0, source: '.graceful-shutdown.json exitMode "zero"' };
  } catch {
    // no manifest (or an unreadable one): the plain expectation
  }
  return { code: 0, source: 'default' };
}

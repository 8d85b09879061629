/**
 * A V8 code cache for the CLI's bundle (dist/bundle/cli.cjs, ../../scripts/bundle-cli.mjs) and ts-morph's big
 * CommonJS files (typescript.js alone is 9 MB), for Node versions without module.enableCompileCache()
 * (Node < 22.1; bin/ uses Node's own cache where it exists). Compiling them is most of what a run costs on
 * Node 20 before it reads the repo. bin/ installs it before it loads any of the CLI; in-process callers
 * (tests) never do. Standalone: it imports only Node's own modules, so that it can run first.
 *
 * Safe by construction: the cache lives in the OS temp dir (never the user's repository), in a folder of
 * this user's own that nobody else can write (cached code runs as code: a folder another user could plant
 * files in is not used at all); one file per source (keyed by Node version, path, size and mtime), written
 * whole and renamed into place; V8 itself rejects data that does not match the source or the engine, and
 * then the file simply compiles as usual. Any failure to read or write costs speed, never the run.
 * NODE_DISABLE_COMPILE_CACHE turns it off, as it does Node's own cache.
 */
import Module from 'node:module';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vm from 'node:vm';
import { Script } from 'node:vm';

/** Files worth caching: ts-morph's own bundles; everything else the CLI loads compiles in a few ms. */
const TS_MORPH = /[/\\]node_modules[/\\](?:ts-morph|@ts-morph[/\\]common)[/\\]dist[/\\][^/\\]+\.js$/;
/** The CLI's own bundle, beside this file's folder (dist/cli/ and dist/bundle/). */
const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'bundle', 'cli.cjs');

interface CjsModule {
  exports: unknown;
  require(id: string): unknown;
}
type Compile = (this: CjsModule, content: string, filename: string) => unknown;
interface ModuleInternals {
  prototype: { _compile: Compile };
  wrap(content: string): string;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
  _cache: unknown;
  _extensions: unknown;
}

/** import() inside a cached file goes to Node's own loader, as it would in a file Node compiled (the option exists from Node 20.12). */
const mainLoader = (vm as unknown as { constants?: { USE_MAIN_CONTEXT_DEFAULT_LOADER?: symbol } }).constants
  ?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
const dynamicImport = mainLoader === undefined ? {} : { importModuleDynamically: mainLoader as never };

/** This user's cache root in the temp dir. */
export function cacheRoot(): string {
  return join(tmpdir(), `create-graceful-shutdown-code-cache-${process.getuid?.() ?? 'user'}`);
}

/**
 * Installs the cache for this process; a no-op where Node has its own, where it is turned off, or where
 * `root` is not a folder of this user's that only this user can write.
 */
export function enableCodeCache(root: string = cacheRoot()): void {
  const m = Module as unknown as ModuleInternals & { enableCompileCache?: unknown };
  if (typeof m.enableCompileCache === 'function' || process.env['NODE_DISABLE_COMPILE_CACHE']) return;
  if (!ownPrivateDir(root)) return;
  const dir = join(root, `${process.version}-${process.arch}`);
  const original = m.prototype._compile;
  const fresh: { script: Script; file: string }[] = [];
  m.prototype._compile = function (this: CjsModule, content: string, filename: string): unknown {
    if (filename !== BUNDLE && !TS_MORPH.test(filename)) return original.call(this, content, filename);
    const file = cacheFile(dir, filename);
    const cachedData = file === null ? undefined : readOrUndefined(file);
    const script = new Script(m.wrap(content), { filename, ...(cachedData ? { cachedData } : {}), ...dynamicImport });
    if (file !== null && (cachedData === undefined || script.cachedDataRejected === true)) fresh.push({ script, file });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(m, this), this, filename, dirname(filename));
  };
  // At exit the scripts hold every function this run compiled, not just their top level.
  process.once('exit', () => {
    for (const { script, file } of fresh) writeWhole(file, script.createCachedData());
  });
}

/** The `require` a CommonJS module gets: resolved from the module itself. */
function requireFor(m: ModuleInternals, module: CjsModule): NodeJS.Require {
  const req = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: unknown) => m._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) =>
    (Module as unknown as { _resolveLookupPaths(r: string, p: CjsModule): string[] | null })._resolveLookupPaths(request, module);
  req.resolve = resolve;
  req.main = (process as unknown as { mainModule?: NodeJS.Module }).mainModule;
  req.cache = m._cache as NodeJS.Require['cache'];
  req.extensions = m._extensions as NodeJS.Require['extensions'];
  return req;
}

/** Creates `root` (mode 700) if missing; true when it is a real folder owned by this user, writable by no one else. */
function ownPrivateDir(root: string): boolean {
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    const st = lstatSync(root);
    if (!st.isDirectory()) return false;
    // Windows has no uids; its temp dir is the user's own.
    if (process.platform === 'win32') return true;
    return st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * The cache file of a source: keyed by its path, size, mtime and the version of the package it belongs to
 * (ts-morph's files are <package>/dist/<file>, the bundle <package>/dist/bundle/cli.cjs). V8 checks only the source's length before it trusts the data,
 * and npm gives every installed file the same mtime: the version tells two releases of the same size apart.
 */
function cacheFile(dir: string, filename: string): string | null {
  try {
    const st = statSync(filename);
    const pkg = filename === BUNDLE ? join(dirname(BUNDLE), '..', '..') : dirname(dirname(filename));
    const version = (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version?: unknown }).version;
    if (typeof version !== 'string') return null;
    const key = createHash('sha256').update(`${filename}\0${st.size}\0${st.mtimeMs}\0${version}`).digest('hex').slice(0, 32);
    return join(dir, key);
  } catch {
    return null;
  }
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeWhole(file: string, data: Buffer): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch {
    // A temp dir that cannot be written: the next run compiles again.
  }
}

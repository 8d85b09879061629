/**
 * Finds every Python app in a repository (monorepos included) and what starts it: the framework,
 * the server, the entry module to wire and how that module is imported. See PythonApp in ./facts.ts.
 *
 * An app is something a launcher runs. Where the start command comes from, first match wins:
 * Dockerfile CMD/ENTRYPOINT and compose `command` (start scripts they name are followed to their
 * `exec`, through the Dockerfile's COPY when the script is copied under another name), Procfile,
 * entrypoint shell scripts, supervisor and systemd units, Makefile, console scripts declared by the
 * project, then conventions (manage.py, a top-level script with `if __name__ == "__main__":`, a
 * module defining the app). A command is only accepted when its module resolves to a file of this
 * app. A directory with a manifest but nothing that runs it (a settings package with a setup.py, a
 * library, tests, CI scripts) is not an app; a directory without any manifest is one when a
 * Dockerfile, compose file or Procfile runs a Python file of it.
 */
import { dockerfileFacts } from './dockerfile-facts.js';
import { composeFile } from './container-files.js';
import type { ComposeFile } from './compose-file.js';
import type { CeleryProcess, PythonApp, PythonFramework, PythonServer } from './facts.js';
import type { RepoFiles } from './repo-files.js';
import { parseCommand, parseWords, type PythonLaunch } from './python-command.js';
import { isPythonManifest, manifestDir, readPythonManifest, versionPins, type PythonManifest } from './python-manifests.js';
import {
  anyAppInstance,
  appInstances,
  APP_CLASSES,
  definesFunction,
  frameworkFromImports,
  hasMainGuard,
  usesAsyncio,
  uvicornRunCall,
} from './python-source.js';

/** Directories that never hold the app's own code. */
const SKIP_DIR =
  /(^|\/)(\.?venv|env|\.tox|\.nox|site-packages|__pycache__|node_modules|build|dist|\.git|\.mypy_cache|\.pytest_cache)(\/|$)/;
/** Files and dirs that are not entrypoints even when they have a `__main__` block. */
const NOT_ENTRY =
  /(^|\/)(tests?|testing|docs|migrations|alembic|scripts|\.github|\.circleci|\.gitlab|ci|tools|examples?|benchmarks?)(\/|$)|(^|\/)(setup|conftest|noxfile|fabfile|tasks|test_[^/]*|[^/]*_test|signal_handlers)\.py$/;
/** Preferred entry file names, best first. */
const ENTRY_NAMES = ['main', 'app', 'server', 'run', '__main__', 'api', 'asgi', 'wsgi', 'worker', 'bot', 'cli'];

type StartSource = {
  path: string;
  launch: PythonLaunch;
  /** COPY destinations -> repo paths of the Dockerfile that runs this command, to follow `/start`. */
  copies?: ReadonlyMap<string, string>;
  /** The compose service whose `command:` this is (kept through the scripts it runs). */
  service?: { file: string; name: string };
};

interface Entry {
  path: string;
  module: string;
  appVariable: string | null;
  runAs: 'module' | 'script';
  function: string | null;
  /** The app variable is a factory to call (`--factory`, `m:create_app()`). */
  factory?: boolean;
}

function join(dir: string, rel: string): string {
  const clean = rel.replace(/^\.\//, '').replace(/\/+$/, '');
  if (clean === '' || clean === '.') return dir;
  return dir ? `${dir}/${clean}` : clean;
}

function within(dir: string, path: string): boolean {
  return dir === '' || path.startsWith(`${dir}/`);
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** Per app dir: its manifests and the files it owns (files under nested app dirs belong to those). */
interface AppDir {
  dir: string;
  manifests: string[];
  owned: string[];
}

/**
 * A setup.py is a manifest only when it is a setuptools/distutils script: a module that happens to
 * be called setup.py (a database `setup.py` in a bot template) marks no project.
 */
function isSetuptoolsScript(text: string): boolean {
  return /^\s*(?:from\s+(?:setuptools|distutils)[\w.]*\s+import|import\s+(?:setuptools|distutils)\b)/m.test(text);
}

/** Dirs where a launcher (Dockerfile, Procfile, compose build context) sits: apps without a manifest live there. */
function launcherDirs(files: RepoFiles): string[] {
  const out = new Set<string>();
  for (const path of files.list) {
    if (SKIP_DIR.test(path)) continue;
    if (DOCKERFILE.test(path) || /(^|\/)Procfile$/.test(path)) out.add(dirname(path));
    if (COMPOSE.test(path)) for (const s of composeServices(files, path)) if (s.context !== null) out.add(s.context);
  }
  return [...out];
}

function findAppDirs(files: RepoFiles): AppDir[] {
  const byDir = new Map<string, string[]>();
  for (const path of files.list) {
    if (SKIP_DIR.test(path) || !isPythonManifest(path)) continue;
    if (basename(path) === 'setup.py' && !isSetuptoolsScript(files.read(path) ?? '')) continue;
    const dir = manifestDir(path);
    byDir.set(dir, [...(byDir.get(dir) ?? []), path]);
  }
  // Without a manifest, a launcher's directory is an app dir only outside every project: inside one,
  // the project's own detection reads that launcher (and a helper script beside it is not an app).
  const projects = [...byDir.keys()];
  for (const dir of launcherDirs(files)) {
    if (projects.some((d) => d === dir || within(d, dir))) continue;
    if (!byDir.has(dir) && files.list.some((p) => p.endsWith('.py') && dirname(p) === dir)) byDir.set(dir, []);
  }
  const dirs = [...byDir.keys()].sort((a, b) => b.length - a.length);
  const owned = new Map<string, string[]>(dirs.map((d) => [d, []]));
  for (const path of files.list) {
    if (SKIP_DIR.test(path)) continue;
    const owner = dirs.find((d) => within(d, path));
    if (owner !== undefined) owned.get(owner)!.push(path);
  }
  return dirs
    .sort()
    .map((dir) => ({ dir, manifests: byDir.get(dir)!, owned: owned.get(dir)! }))
    .filter((d) => d.owned.some((p) => p.endsWith('.py') && !NOT_ENTRY.test(p.slice(d.dir.length))));
}

/** Dotted module of a file from its package chain: app/main.py with app/__init__.py -> 'app.main'. */
function moduleOfFile(files: RepoFiles, appDir: string, path: string): string {
  const parts = [basename(path).replace(/\.py$/, '')];
  let dir = dirname(path);
  while (dir !== appDir && within(appDir, dir) && files.has(`${dir}/__init__.py`)) {
    parts.unshift(basename(dir));
    dir = dirname(dir);
  }
  if (parts.length > 1 && parts[parts.length - 1] === '__init__') parts.pop();
  return parts.join('.');
}

/** The file a dotted module names, under the app dir (also --app-dir/--chdir, src/ layout, any depth). */
function moduleFile(files: RepoFiles, app: AppDir, base: string | null, module: string, runAsMain: boolean): string | null {
  const rel = module.replace(/\./g, '/');
  const roots = [
    ...new Set([base === null ? null : join(app.dir, base), app.dir, join(app.dir, 'src')].filter((r): r is string => r !== null)),
  ];
  for (const root of roots) {
    const tries = runAsMain ? [`${rel}/__main__.py`, `${rel}.py`] : [`${rel}.py`, `${rel}/__init__.py`];
    for (const t of tries) if (files.has(join(root, t))) return join(root, t);
  }
  // WORKDIR and COPY may put the module anywhere: accept a unique-enough suffix match, shortest first.
  const suffixes = runAsMain ? [`/${rel}/__main__.py`, `/${rel}.py`] : [`/${rel}.py`, `/${rel}/__init__.py`];
  for (const suffix of suffixes) {
    const hit = app.owned.filter((p) => `/${p}`.endsWith(suffix)).sort((a, b) => a.length - b.length)[0];
    if (hit) return hit;
  }
  return null;
}

/** A path as written in a command (maybe absolute inside the image) -> a file of the app. */
function pathFile(files: RepoFiles, app: AppDir, written: string): string | null {
  const direct = join(app.dir, written);
  if (!written.startsWith('/') && files.has(direct)) return direct;
  const parts = written.replace(/^\.?\//, '').split('/');
  for (let i = 0; i < parts.length; i++) {
    const suffix = parts.slice(i).join('/');
    const hit = app.owned.filter((p) => p === join(app.dir, suffix) || p.endsWith(`/${suffix}`)).sort((a, b) => a.length - b.length)[0];
    if (hit) return hit;
  }
  return null;
}

function firstAppVariable(text: string, framework: PythonFramework | null): string | null {
  const classes = framework && APP_CLASSES[framework] ? APP_CLASSES[framework] : Object.values(APP_CLASSES).flat();
  const found = appInstances(text, classes);
  return found.includes('app') ? 'app' : found.includes('api') ? 'api' : (found[0] ?? null);
}

/** Turn a launch into the entry file, or null when it does not name a file of this app. */
function resolveLaunch(files: RepoFiles, app: AppDir, launch: PythonLaunch): Entry | null {
  switch (launch.kind) {
    // biome-ignore lint/suspicious/noFallthroughSwitchClause: a launch with the module named resolves as a console script does
    case 'app':
      if (launch.module === null) {
        // `gunicorn -c gunicorn.conf.py`, or bare `gunicorn` (which reads ./gunicorn.conf.py), with the
        // app named in the config: `wsgi_app = "config.wsgi:application"`.
        const written = launch.config ?? join(launch.chdir ?? '', 'gunicorn.conf.py');
        const conf =
          written.startsWith('/') || launch.config
            ? pathFile(files, app, written)
            : files.has(join(app.dir, written))
              ? join(app.dir, written)
              : null;
        const spec = conf ? /^wsgi_app\s*=\s*['"]([\w.]+)(?::(\w+))?(\(.*\))?['"]/m.exec(files.read(conf) ?? '') : null;
        if (!spec) return null;
        return resolveLaunch(files, app, { ...launch, module: spec[1]!, variable: spec[2] ?? 'application', factory: !!spec[3] });
      }
    // falls through
    case 'console-script':
    case 'flask-cli': {
      if (launch.kind === 'flask-cli' && launch.path) return scriptEntry(files, app, launch.path, 'module', launch.variable);
      const module = launch.module ?? (launch.kind === 'flask-cli' ? 'app' : null);
      if (module === null) return null;
      const path = moduleFile(files, app, launch.chdir, module, false);
      if (!path) return null;
      const isFn = launch.kind === 'console-script';
      return {
        path,
        module,
        appVariable: isFn ? null : launch.variable,
        runAs: 'module',
        function: isFn ? launch.variable : null,
        factory: launch.factory,
      };
    }
    case 'module': {
      const module = launch.module!;
      const path = moduleFile(files, app, null, module, true);
      if (!path) return null;
      const full = path.endsWith('/__main__.py') ? `${module}.__main__` : module;
      return { path, module: full, appVariable: null, runAs: 'module', function: null };
    }
    case 'script':
    case 'manage':
      return launch.path ? scriptEntry(files, app, launch.path, 'script', null) : null;
    case 'fastapi-path': {
      const tries = launch.path
        ? [launch.path, `${launch.path}/main.py`, `${launch.path}/__init__.py`]
        : ['main.py', 'app.py', 'api.py', 'app/main.py', 'app/app.py', 'app/api.py'];
      for (const t of tries) {
        if (!t.endsWith('.py')) continue;
        const path = pathFile(files, app, t);
        if (path)
          return { path, module: moduleOfFile(files, app.dir, path), appVariable: launch.variable, runAs: 'module', function: null };
      }
      return null;
    }
    case 'shell-script':
    case 'celery':
      return null;
  }
}

function scriptEntry(files: RepoFiles, app: AppDir, written: string, runAs: Entry['runAs'], variable: string | null): Entry | null {
  const path = pathFile(files, app, written);
  if (!path) return null;
  // `python app/main.py` puts app/ first on sys.path: the file is the top-level module `main`.
  const module = runAs === 'script' ? basename(path).replace(/\.py$/, '') : moduleOfFile(files, app.dir, path);
  return { path, module, appVariable: variable, runAs, function: null };
}

/** Commands in a line-based file (script, Procfile, Makefile), continuation lines joined. */
function commandLines(text: string): string[] {
  return text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
}

function launchesOfText(text: string, scripts: ReadonlyMap<string, string>, procfile: boolean): PythonLaunch[] {
  const out: PythonLaunch[] = [];
  let lines = commandLines(text);
  if (procfile) {
    // The web process first: it is the one that serves traffic.
    lines = lines.sort((a, b) => Number(!/^web\s*:/.test(a)) - Number(!/^web\s*:/.test(b)));
  } else {
    // A start script runs its steps (migrations, collectstatic) and then `exec`s the long-running
    // process: that line first.
    lines = lines.filter((l) => !/^\s*#/.test(l));
    lines = [...lines.filter((l) => /^\s*exec\s/.test(l)), ...lines.filter((l) => !/^\s*exec\s/.test(l))];
  }
  for (const raw of lines) {
    const line = procfile ? raw.replace(/^[\w-]+\s*:\s*/, '') : raw.replace(/^\t@?-?/, '');
    const launch = parseCommand(line, scripts);
    if (launch) out.push(launch);
  }
  return out;
}

function execForm(content: string): string[] | null {
  if (!content.trim().startsWith('[')) return null;
  try {
    const value: unknown = JSON.parse(content);
    return Array.isArray(value) && value.every((w) => typeof w === 'string') ? (value as string[]) : null;
  } catch {
    return null;
  }
}

function launchesOfDockerfile(text: string, scripts: ReadonlyMap<string, string>): PythonLaunch[] {
  const { lastWritten } = dockerfileFacts(text);
  const words = (kw: 'CMD' | 'ENTRYPOINT'): string[][] => {
    const content = kw === 'CMD' ? lastWritten.cmd : lastWritten.entrypoint;
    if (!content) return [];
    // Exec form. (dockerfile-ast's getJSONValue() drops the spaces inside strings: parse it ourselves.)
    const exec = execForm(content);
    return [exec ?? ['sh', '-c', content]];
  };
  const [cmd] = words('CMD');
  const [entry] = words('ENTRYPOINT');
  const candidates = [entry && cmd ? [...entry, ...cmd] : null, cmd ?? null, entry ?? null].filter((c): c is string[] => c !== null);
  const out: PythonLaunch[] = [];
  for (const c of candidates) {
    const launch = parseWords(c, scripts);
    if (launch) out.push(launch);
  }
  return out;
}

const DOCKERFILE = /(^|\/)(Dockerfile(\.[\w.-]+)?|[\w.-]+\.Dockerfile|Containerfile)$/i;

/**
 * `COPY ./compose/production/django/start /start`: image path -> repo path, for single-source
 * COPY/ADD of a file (sources relative to `context`, the build context dir).
 */
function dockerfileCopies(files: RepoFiles, text: string, context: string): Map<string, string> {
  const out = new Map<string, string>();
  let workdir = '/';
  for (const { keyword: kw, args } of dockerfileFacts(text).layout) {
    if (kw === 'WORKDIR' && args[0]) workdir = args[0].startsWith('/') ? args[0] : `${workdir.replace(/\/$/, '')}/${args[0]}`;
    if (kw !== 'COPY' && kw !== 'ADD') continue;
    const words = args.filter((a) => !a.startsWith('--'));
    if (words.length !== 2 || args.some((a) => a.startsWith('--from'))) continue;
    const src = join(context, words[0]!);
    let dest = words[1]!;
    if (!files.has(src)) continue;
    if (dest.endsWith('/') || dest === '.') dest = `${dest.replace(/\/?\.?$/, '')}/${basename(src)}`;
    if (!dest.startsWith('/')) dest = `${workdir.replace(/\/$/, '')}/${dest.replace(/^\.\//, '')}`;
    out.set(dest, src);
  }
  return out;
}

function startSources(files: RepoFiles, app: AppDir, allDirs: readonly AppDir[], manifest: PythonManifest): StartSource[] {
  const ownedBySomeone = (p: string) => allDirs.some((d) => d.dir !== '' && within(d.dir, p));
  const out: StartSource[] = [];
  const add = (path: string, launches: PythonLaunch[]) => launches.forEach((launch) => out.push({ path, launch }));
  const read = (p: string) => files.read(p);

  const dockerfiles = [
    ...app.owned.filter((p) => DOCKERFILE.test(p)),
    // Root-level (or docker/) Dockerfiles that copy this app's directory in.
    ...files.list.filter(
      (p) =>
        DOCKERFILE.test(p) &&
        !ownedBySomeone(p) &&
        !app.owned.includes(p) &&
        app.dir !== '' &&
        new RegExp(`^\\s*(COPY|ADD)\\b[^\\n]*\\s(\\./)?${app.dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?\\s`, 'mi').test(read(p) ?? ''),
    ),
  ];
  for (const p of dockerfiles) {
    const copies = dockerfileCopies(files, read(p) ?? '', dirname(p));
    for (const launch of launchesOfDockerfile(read(p) ?? '', manifest.scripts)) out.push({ path: p, launch, copies });
  }
  for (const { path, words, dockerfile, context, name } of composeCommands(files, app.dir)) {
    const launch = parseWords(words, manifest.scripts);
    const copies = dockerfile && files.has(dockerfile) ? dockerfileCopies(files, read(dockerfile) ?? '', context) : undefined;
    if (launch) out.push({ path, launch, ...(copies ? { copies } : {}), service: { file: path, name } });
  }
  const procfiles = [join(app.dir, 'Procfile'), ...(app.dir !== '' ? ['Procfile'] : [])].filter((p) => files.has(p));
  for (const p of procfiles) add(p, launchesOfText(read(p) ?? '', manifest.scripts, true));
  // Entrypoint scripts by name (start.sh, boot.sh, docker-entrypoint.sh); test, lint and CI scripts
  // (scripts/, .github/) are not what a deployment runs.
  const shells = app.owned
    .filter((p) => p.endsWith('.sh') && /(start|run|entrypoint|boot|serve)/i.test(basename(p)) && !NOT_ENTRY.test(p.slice(app.dir.length)))
    .sort();
  for (const p of shells) add(p, launchesOfText(read(p) ?? '', manifest.scripts, false));
  for (const p of app.owned) {
    const text = /\.(conf|ini|service)$/.test(p) ? (read(p) ?? '') : '';
    if (/^\[program:/m.test(text))
      for (const m of text.matchAll(/^command\s*=\s*(.+)$/gm))
        add(
          p,
          [parseCommand(m[1]!, manifest.scripts)].filter((l): l is PythonLaunch => l !== null),
        );
    if (p.endsWith('.service'))
      for (const m of text.matchAll(/^ExecStart\s*=\s*[-@:+!]*(.+)$/gm))
        add(
          p,
          [parseCommand(m[1]!, manifest.scripts)].filter((l): l is PythonLaunch => l !== null),
        );
  }
  for (const p of app.owned.filter((p) => /(^|\/)(GNU)?[Mm]akefile$/.test(p)))
    add(p, launchesOfText(read(p) ?? '', manifest.scripts, false));
  for (const [name, target] of manifest.scripts) {
    const launch = parseCommand(name, manifest.scripts);
    if (launch)
      out.push({
        path: manifest.files.find((f) => /pyproject\.toml|setup\.(cfg|py)$/.test(f)) ?? manifest.files[0]!,
        launch: { ...launch, command: `${name} (${target})` },
      });
  }
  return out;
}

const COMPOSE = /(^|\/)(docker-)?compose(\.[\w-]+)?\.ya?ml$/;

/** A compose service as Python detection uses it: its build context resolved against the file's dir. */
interface ComposeLaunch {
  name: string;
  /** Build context dir, repo-relative ('' for the root), or null when the service is not built here. */
  context: string | null;
  /** The Dockerfile it builds with, repo-relative. */
  dockerfile: string | null;
  /** `command:` as words (a string through `sh -c`), [] when unset. */
  command: string[];
  /** `entrypoint:` in exec form, [] when unset or a string. */
  entrypoint: string[];
}

/** The services of a compose file (`<<: *anchor` merges applied), from detection's one reading of its text. */
function composeServices(files: RepoFiles, path: string): ComposeLaunch[] {
  let file: ComposeFile;
  try {
    file = composeFile(files.read(path) ?? '', path);
  } catch {
    return []; // values that cannot be read (a bad merge key): the container checks name the file
  }
  // A file of several YAML documents is not one compose project: no launcher is read from it.
  if (file.documents > 1) return [];
  return file.services.map((s) => {
    const context = s.buildContextSet ? join(dirname(path), s.buildContext ?? '.').replace(/(^|\/)\.$/, '') : null;
    return {
      name: s.name,
      context,
      dockerfile: context === null ? null : join(context, s.dockerfile ?? 'Dockerfile'),
      command: s.commandText != null ? ['sh', '-c', s.commandText] : [...(s.command ?? [])],
      entrypoint: [...(s.entrypoint ?? [])],
    };
  });
}

/** `command:` of compose services built from the app dir (after `entrypoint:` when both are set). */
function composeCommands(
  files: RepoFiles,
  appDir: string,
): { path: string; words: string[]; dockerfile: string | null; context: string; name: string }[] {
  const out: { path: string; words: string[]; dockerfile: string | null; context: string; name: string }[] = [];
  for (const path of files.list.filter((p) => COMPOSE.test(p) && !SKIP_DIR.test(p))) {
    for (const s of composeServices(files, path)) {
      if (s.context !== appDir) continue;
      const command = s.command;
      if (command.length)
        out.push({
          path,
          words: [...s.entrypoint, ...command],
          dockerfile: s.dockerfile,
          context: s.context,
          name: s.name,
        });
    }
  }
  return out;
}

/** Follow `CMD ["./start.sh"]` (or compose `command: /start`) into the script, to its `exec`. */
function followShell(files: RepoFiles, app: AppDir, source: StartSource, scripts: ReadonlyMap<string, string>, depth = 0): StartSource[] {
  if (source.launch.kind !== 'shell-script' || !source.launch.path || depth > 3) return [source];
  const written = source.launch.path;
  // The image path of a copied script names its source through the COPY that put it there.
  const copied = source.copies?.get(written) ?? source.copies?.get(written.replace(/^\.\//, '/'));
  const path = copied ?? (/\.sh$/.test(written) ? pathFile(files, app, written) : null);
  if (!path) return [];
  const text = files.read(path) ?? '';
  // An extensionless file is followed only when it is a shell script.
  if (!/\.sh$/.test(path) && !/^#!.*\b(ba|da|z)?sh\b/.test(text)) return [];
  return launchesOfText(text, scripts, false).flatMap((launch) =>
    followShell(
      files,
      app,
      { path, launch, ...(source.copies ? { copies: source.copies } : {}), ...(source.service ? { service: source.service } : {}) },
      scripts,
      depth + 1,
    ),
  );
}

/** A convention when no command was found. */
function conventionalEntry(files: RepoFiles, app: AppDir): Entry | null {
  const manage = join(app.dir, 'manage.py');
  if (files.has(manage)) return { path: manage, module: 'manage', appVariable: null, runAs: 'script', function: null };
  const rank = (p: string) => {
    const i = ENTRY_NAMES.indexOf(basename(p).replace(/\.py$/, ''));
    return [i < 0 ? ENTRY_NAMES.length : i, p.split('/').length, p] as const;
  };
  const candidates = app.owned
    .filter((p) => p.endsWith('.py') && !NOT_ENTRY.test(p.slice(app.dir.length)))
    .sort((a, b) => {
      const [ra, da, pa] = rank(a);
      const [rb, db, pb] = rank(b);
      return da - db || ra - rb || pa.localeCompare(pb);
    });
  for (const path of candidates) {
    const text = files.read(path) ?? '';
    const rel = app.dir ? path.slice(app.dir.length + 1) : path;
    // `__main__` guards count in top-level scripts (and a package's __main__.py): deeper modules with
    // one are helpers, demos or self-tests, not what a deployment runs.
    const topLevel = !rel.includes('/') || /^(src\/)?[\w-]+\/__main__\.py$/.test(rel);
    const guard = topLevel && hasMainGuard(text);
    const instance = anyAppInstance(text);
    if (!guard && !instance) continue;
    const isMain = basename(path) === '__main__.py';
    // A file with a __main__ block is run as a script, except a package's __main__.py (python -m pkg).
    const runAs: Entry['runAs'] = guard && !isMain ? 'script' : 'module';
    const module = runAs === 'script' ? basename(path).replace(/\.py$/, '') : moduleOfFile(files, app.dir, path);
    return { path, module, appVariable: instance?.variable ?? null, runAs, function: null };
  }
  return null;
}

function frameworkOf(entryText: string, manifest: PythonManifest, app: AppDir, files: RepoFiles): PythonFramework {
  const fromImports = frameworkFromImports(entryText);
  if (fromImports) return fromImports;
  const deps = new Set(manifest.dependencies);
  if (deps.has('fastapi')) return 'fastapi';
  if (deps.has('starlette')) return 'starlette';
  if (deps.has('django') || files.has(join(app.dir, 'manage.py'))) return 'django';
  if (deps.has('flask')) return 'flask';
  // aiohttp is often only an HTTP client: count it when some module serves with aiohttp.web.
  if (deps.has('aiohttp') && app.owned.some((p) => p.endsWith('.py') && frameworkFromImports(files.read(p) ?? '') === 'aiohttp'))
    return 'aiohttp';
  return usesAsyncio(entryText) ? 'asyncio' : 'plain';
}

function gunicornConfigOf(files: RepoFiles, app: AppDir, launch: PythonLaunch | null): string | null {
  if (launch?.config) {
    const path = pathFile(files, app, launch.config);
    if (path) return path;
  }
  const candidates = ['gunicorn.conf.py', 'gunicorn_conf.py', 'gunicorn_config.py', 'gunicorn.config.py'];
  for (const name of candidates) if (files.has(join(app.dir, name))) return join(app.dir, name);
  return app.owned.find((p) => candidates.includes(basename(p))) ?? null;
}

function celeryProcess(source: StartSource): CeleryProcess {
  return {
    app: source.launch.module,
    command: source.launch.celeryCommand ?? 'worker',
    commandLine: source.launch.command,
    source: source.path,
    remapSigterm: source.launch.env?.['REMAP_SIGTERM'] ?? null,
    ...(source.service ? { composeService: { file: source.service.file, service: source.service.name } } : {}),
  };
}

function detectOne(files: RepoFiles, app: AppDir, allDirs: readonly AppDir[]): PythonApp | null {
  const manifest = readPythonManifest(files, app.manifests);
  let chosen: { source: StartSource; entry: Entry } | null = null;
  const celery: CeleryProcess[] = [];
  for (const raw of startSources(files, app, allDirs, manifest)) {
    for (const source of followShell(files, app, raw, manifest.scripts)) {
      if (source.launch.kind === 'celery') {
        const found = celeryProcess(source);
        const same = celery.find((c) => c.commandLine === found.commandLine && c.source === found.source);
        if (!same) celery.push(found);
        else if (!same.composeService && found.composeService) same.composeService = found.composeService;
        continue;
      }
      const entry: Entry | null = chosen ? null : resolveLaunch(files, app, source.launch);
      if (entry) chosen = { source, entry };
    }
  }
  const launch = chosen?.source.launch ?? null;
  // Without a manifest only a launcher makes a directory an app (a Node repo's helper script is not one).
  let entry: Entry | null = chosen?.entry ?? (app.manifests.length ? conventionalEntry(files, app) : null);
  if (!entry) return null;
  let server: PythonServer = launch?.server ?? 'none';
  let workers = launch?.workers ?? null;
  let text = entry ? (files.read(entry.path) ?? '') : '';

  // `python run.py` whose __main__ block calls uvicorn.run(...): uvicorn serves, maybe another module's app.
  const run = entry && server === 'none' ? uvicornRunCall(text) : null;
  if (entry && run) {
    server = 'uvicorn';
    workers = run.workers ?? workers;
    const spec = run.target ? /^([\w.]+):(\w+)$/.exec(run.target) : null;
    const target = spec ? moduleFile(files, app, null, spec[1]!, false) : null;
    if (spec && target && target !== entry.path) {
      entry = { path: target, module: spec[1]!, appVariable: spec[2]!, runAs: 'module', function: null };
      text = files.read(target) ?? '';
    } else {
      entry = { ...entry, appVariable: spec?.[2] ?? run.variable ?? entry.appVariable };
    }
  }
  const framework = frameworkOf(text, manifest, app, files);
  if (entry && entry.appVariable === null && entry.function === null && framework !== 'asyncio' && framework !== 'plain') {
    entry = { ...entry, appVariable: firstAppVariable(text, framework) };
  }
  if (entry?.function && !definesFunction(text, entry.function)) entry = { ...entry, function: null };

  const result: PythonApp = {
    kind: 'python',
    dir: app.dir,
    name: manifest.name ?? (app.dir ? basename(app.dir) : basename(files.root)),
    framework,
    server,
    entrypoint: entry && {
      path: entry.path,
      module: entry.module,
      appVariable: entry.appVariable,
      inPackage: files.has(join(dirname(entry.path), '__init__.py')),
    },
    startCommand: launch?.command ?? null,
    workers,
    gunicornConfig: server === 'gunicorn' || framework === 'flask' || framework === 'django' ? gunicornConfigOf(files, app, launch) : null,
    dependencies: manifest.dependencies,
    versionPins: versionPins(files, app.dir),
    startSource: chosen?.source.path ?? null,
    ...(entry ? { entryImport: entry.runAs === 'module' && entry.module.includes('.') ? 'relative' : 'absolute' } : {}),
    entryFunction: entry?.function ?? null,
    appFactory: entry?.factory ?? false,
    workerClass: launch?.workerClass ?? null,
    ...(celery.length ? { celery } : {}),
    foundBy: chosen ? 'launcher' : 'convention',
  };
  return result;
}

/** Every Python app in the repo, in directory order: directories that nothing runs are left out. */
export function detectPythonApps(files: RepoFiles): PythonApp[] {
  const dirs = findAppDirs(files);
  return dirs.map((d) => detectOne(files, d, dirs)).filter((a): a is PythonApp => a !== null);
}

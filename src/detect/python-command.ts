/**
 * Reads a Python start command (a Dockerfile CMD, a Procfile line, a line of a shell script) and
 * says what it launches: `uvicorn main:app`, `gunicorn app:app -w 4`, `fastapi run app/main.py`,
 * `python -m pkg`, `python main.py`, `python manage.py runserver`, a console script.
 * Pure string work: resolving modules to files is the caller's job (./python.ts).
 */
import type { PythonServer } from './facts.js';
import { shellWords } from './shell-words.js';

export type LaunchKind =
  /** `uvicorn mod:var`, `gunicorn mod:var`: an importable app object. */
  | 'app'
  /** `python -m mod`. */
  | 'module'
  /** `python path/to/file.py`. */
  | 'script'
  /** `fastapi run|dev [path]`. */
  | 'fastapi-path'
  /** `python manage.py ...` (Django). */
  | 'manage'
  /** `flask --app x run`. */
  | 'flask-cli'
  /** A console script declared in pyproject/setup.cfg: `mod:func`. */
  | 'console-script'
  /** `sh start.sh`, `./entrypoint.sh`, `/start` (a path to an executable file): the caller may follow it. */
  | 'shell-script'
  /** `celery -A proj worker`: a task worker, not a web server (its own stop semantics). */
  | 'celery';

export interface PythonLaunch {
  kind: LaunchKind;
  server: PythonServer;
  /** Dotted module ('app.main'), for app / module / flask-cli / console-script. */
  module: string | null;
  /** The app variable or factory (for app, flask-cli), or the function (console-script). */
  variable: string | null;
  /** `uvicorn --factory` or gunicorn `mod:create_app()`. */
  factory: boolean;
  /** File path as written (script, fastapi-path, manage, shell-script). */
  path: string | null;
  workers: number | null;
  /** `uvicorn --app-dir D` / `gunicorn --chdir D`. */
  chdir: string | null;
  /** `gunicorn -c path`. */
  config: string | null;
  /** `gunicorn -k cls`. */
  workerClass: string | null;
  /** The command segment that matched, words joined by spaces. */
  command: string;
  /** `celery -A proj <sub>`: the Celery sub-command ('worker', 'beat', ...), for kind 'celery'. */
  celeryCommand?: string | null;
  /** Environment assignments before the program (`REMAP_SIGTERM=SIGQUIT celery ...`). */
  env?: Record<string, string>;
}

const SEPARATORS = new Set([';', '&&', '||', '|', '&']);

/** Words that only wrap the real command (init systems, env runners, tracers). */
const WRAPPERS = new Set(['exec', 'tini', 'dumb-init', 'env', 'nohup', 'opentelemetry-instrument', 'ddtrace-run']);
/** Runners followed by a sub-command word: `poetry run x`, `uv run x`. */
const RUNNERS = new Set(['poetry', 'pipenv', 'uv', 'pdm', 'hatch', 'rye']);

const UVICORN_VALUE_OPTS = new Set([
  '--host',
  '--port',
  '--uds',
  '--fd',
  '--reload-dir',
  '--reload-include',
  '--reload-exclude',
  '--reload-delay',
  '--workers',
  '--loop',
  '--http',
  '--ws',
  '--ws-max-size',
  '--ws-max-queue',
  '--ws-ping-interval',
  '--ws-ping-timeout',
  '--lifespan',
  '--interface',
  '--env-file',
  '--log-config',
  '--log-level',
  '--root-path',
  '--limit-concurrency',
  '--backlog',
  '--limit-max-requests',
  '--timeout-keep-alive',
  '--timeout-graceful-shutdown',
  '--ssl-keyfile',
  '--ssl-certfile',
  '--ssl-keyfile-password',
  '--ssl-version',
  '--ssl-cert-reqs',
  '--ssl-ca-certs',
  '--ssl-ciphers',
  '--header',
  '--forwarded-allow-ips',
  '--app-dir',
  '--h11-max-incomplete-event-size',
]);
const GUNICORN_VALUE_OPTS = new Set([
  '-b',
  '--bind',
  '-c',
  '--config',
  '-w',
  '--workers',
  '-k',
  '--worker-class',
  '--chdir',
  '--pythonpath',
  '-t',
  '--timeout',
  '--graceful-timeout',
  '--keep-alive',
  '--threads',
  '--worker-connections',
  '-n',
  '--name',
  '--log-level',
  '--access-logfile',
  '--error-logfile',
  '--log-file',
  '--access-logformat',
  '--max-requests',
  '--max-requests-jitter',
  '-e',
  '--env',
  '-p',
  '--pid',
  '-u',
  '--user',
  '-g',
  '--group',
  '-m',
  '--umask',
  '--forwarded-allow-ips',
  '--log-config',
  '--statsd-host',
  '--backlog',
  '--worker-tmp-dir',
  '--certfile',
  '--keyfile',
]);
const PYTHON_VALUE_OPTS = new Set(['-X', '-W', '-c']);
const CELERY_VALUE_OPTS = new Set([
  '-A',
  '--app',
  '-b',
  '--broker',
  '--result-backend',
  '--loader',
  '--config',
  '--workdir',
  '-l',
  '--loglevel',
  '-c',
  '--concurrency',
  '-Q',
  '--queues',
  '-n',
  '--hostname',
  '-P',
  '--pool',
  '--logfile',
  '--pidfile',
  '-s',
  '--schedule',
]);
const DAPHNE_VALUE_OPTS = new Set([
  '-b',
  '--bind',
  '-p',
  '--port',
  '-u',
  '--unix-socket',
  '--fd',
  '-e',
  '--endpoint',
  '-v',
  '--verbosity',
  '--access-log',
  '--root-path',
  '--proxy-headers-host',
  '--proxy-headers-port',
  '-t',
  '--http-timeout',
  '--ping-interval',
  '--ping-timeout',
  '--application-close-timeout',
  '--websocket-timeout',
  '--websocket-connect-timeout',
  '--log-fmt',
]);
/**
 * `manage.py` sub-commands that run once and exit (release steps in a Procfile or a start
 * script): never the process that serves.
 */
const ONE_SHOT_MANAGE = new Set([
  'migrate',
  'collectstatic',
  'compress',
  'compilemessages',
  'makemigrations',
  'check',
  'createsuperuser',
  'loaddata',
  'dumpdata',
  'shell',
  'test',
  'wait_for_db',
  'createcachetable',
  'showmigrations',
  'clearsessions',
]);

const APP_SPEC = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?::([A-Za-z_]\w*)(\(.*\))?)?$/;

function basename(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

function isPython(word: string): boolean {
  // Also Makefile/shell variables naming the interpreter: $(PYTHON), ${PYTHON}, $PYTHON.
  return /^python(\d(\.\d+)?)?$/.test(basename(word)) || /^\$[({]?PYTHON\d*[)}]?$/i.test(word);
}

function emptyLaunch(kind: LaunchKind, server: PythonServer, command: string): PythonLaunch {
  return {
    kind,
    server,
    module: null,
    variable: null,
    factory: false,
    path: null,
    workers: null,
    chdir: null,
    config: null,
    workerClass: null,
    command,
  };
}

/** `--opt value` / `--opt=value`: returns [name, value|null, consumedNext]. */
function splitOption(args: string[], i: number, valueOpts: Set<string>): [string, string | null, boolean] {
  const word = args[i]!;
  const eq = word.indexOf('=');
  if (word.startsWith('--') && eq > 0) return [word.slice(0, eq), word.slice(eq + 1), false];
  if (valueOpts.has(word)) return [word, args[i + 1] ?? null, true];
  // Short option glued to its value: `-w4`.
  if (/^-[a-zA-Z]./.test(word) && !word.startsWith('--') && valueOpts.has(word.slice(0, 2))) {
    return [word.slice(0, 2), word.slice(2), false];
  }
  return [word, null, false];
}

function parseWorkers(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value)) return null;
  return Number(value);
}

function parseAppSpec(spec: string, launch: PythonLaunch, defaultVariable: string): boolean {
  const m = APP_SPEC.exec(spec);
  if (!m) return false;
  launch.module = m[1]!;
  launch.variable = m[2] ?? defaultVariable;
  if (m[3]) launch.factory = true;
  return true;
}

function parseUvicorn(args: string[], command: string): PythonLaunch | null {
  const launch = emptyLaunch('app', 'uvicorn', command);
  let found = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.startsWith('-')) {
      const [name, value, consumed] = splitOption(args, i, UVICORN_VALUE_OPTS);
      if (consumed) i++;
      if (name === '--workers') launch.workers = parseWorkers(value);
      else if (name === '--app-dir') launch.chdir = value;
      else if (name === '--factory') launch.factory = true;
      continue;
    }
    if (!found && word.includes(':')) found = parseAppSpec(word, launch, 'app');
  }
  return found ? launch : null;
}

function parseGunicorn(args: string[], command: string): PythonLaunch | null {
  const launch = emptyLaunch('app', 'gunicorn', command);
  let found = false;
  let positional = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.startsWith('-')) {
      const [name, value, consumed] = splitOption(args, i, GUNICORN_VALUE_OPTS);
      if (consumed) i++;
      if (name === '-w' || name === '--workers') launch.workers = parseWorkers(value);
      else if (name === '--chdir') launch.chdir = value;
      else if (name === '-c' || name === '--config') launch.config = value?.replace(/^python:/, '') ?? null;
      else if (name === '-k' || name === '--worker-class') launch.workerClass = value;
      continue;
    }
    // gunicorn's variable defaults to `application` when only a module is given.
    if (!found) {
      found = parseAppSpec(word, launch, 'application');
      if (!found) positional = true;
    }
  }
  // With only a config file (`-c x`, or none: gunicorn reads ./gunicorn.conf.py), the app may be
  // its `wsgi_app` setting: the caller reads it.
  return found || launch.config || !positional ? launch : null;
}

/** `daphne [opts] module:application` (Django Channels' ASGI server). */
function parseDaphne(args: string[], command: string): PythonLaunch | null {
  const launch = emptyLaunch('app', 'daphne', command);
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.startsWith('-')) {
      if (splitOption(args, i, DAPHNE_VALUE_OPTS)[2]) i++;
      continue;
    }
    if (parseAppSpec(word, launch, 'application')) return launch;
  }
  return null;
}

/** `celery -A proj worker -l INFO` / `celery --app=proj.celery_app beat`. */
function parseCelery(args: string[], env: Map<string, string>, command: string): PythonLaunch | null {
  const launch = emptyLaunch('celery', 'none', command);
  launch.celeryCommand = null;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.startsWith('-')) {
      const [name, value, consumed] = splitOption(args, i, CELERY_VALUE_OPTS);
      if (consumed) i++;
      if ((name === '-A' || name === '--app') && value) launch.module = value.replace(/:.*$/, '');
      else if (name === '--workdir') launch.chdir = value;
      continue;
    }
    if (launch.celeryCommand === null) launch.celeryCommand = word;
  }
  if (launch.celeryCommand === null) return null;
  launch.env = Object.fromEntries(env);
  return launch;
}

function parseFastapiCli(args: string[], command: string): PythonLaunch | null {
  const sub = args[0];
  if (sub !== 'run' && sub !== 'dev') return null;
  const launch = emptyLaunch('fastapi-path', 'fastapi-cli', command);
  for (let i = 1; i < args.length; i++) {
    const word = args[i]!;
    if (word.startsWith('-')) {
      const [name, value, consumed] = splitOption(
        args,
        i,
        new Set(['--app', '--host', '--port', '--workers', '--root-path', '--entrypoint', '-e']),
      );
      if (consumed) i++;
      if (name === '--app') launch.variable = value;
      else if (name === '--workers') launch.workers = parseWorkers(value);
      else if ((name === '--entrypoint' || name === '-e') && value) {
        launch.kind = 'app';
        parseAppSpec(value, launch, 'app');
      }
      continue;
    }
    if (launch.path === null) launch.path = word;
  }
  return launch;
}

function parseFlaskCli(args: string[], env: Map<string, string>, command: string): PythonLaunch | null {
  let spec = env.get('FLASK_APP') ?? null;
  let sawRun = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--app' || word === '-A') spec = args[++i] ?? spec;
    else if (word.startsWith('--app=')) spec = word.slice(6);
    else if (word === 'run') sawRun = true;
  }
  if (!sawRun) return null;
  const launch = emptyLaunch('flask-cli', 'none', command);
  if (spec) {
    if (spec.endsWith('.py')) {
      launch.path = spec;
    } else {
      const colon = spec.indexOf(':');
      launch.module = colon >= 0 ? spec.slice(0, colon) : spec;
      const rest = colon >= 0 ? spec.slice(colon + 1) : null;
      if (rest) {
        launch.variable = rest.replace(/\(.*$/, '');
        launch.factory = rest.includes('(');
      }
    }
  }
  return launch;
}

function parsePython(
  args: string[],
  env: Map<string, string>,
  consoleScripts: ReadonlyMap<string, string>,
  command: string,
): PythonLaunch | null {
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '-m') {
      const mod = args[i + 1];
      if (!mod) return null;
      return parseTool(mod, args.slice(i + 2), env, consoleScripts, command, true);
    }
    if (word === '-c') return null;
    if (word.startsWith('-')) {
      if (PYTHON_VALUE_OPTS.has(word)) i++;
      continue;
    }
    if (basename(word) === 'manage.py') {
      const sub = args.slice(i + 1).find((w) => !w.startsWith('-'));
      if (sub !== undefined && ONE_SHOT_MANAGE.has(sub)) return null;
      const launch = emptyLaunch('manage', 'none', command);
      launch.path = word;
      return launch;
    }
    if (word.endsWith('.py')) {
      const launch = emptyLaunch('script', 'none', command);
      launch.path = word;
      return launch;
    }
    return null;
  }
  return null;
}

/** `word` is the program (after wrappers); `asModule` when it came from `python -m word`. */
function parseTool(
  word: string,
  args: string[],
  env: Map<string, string>,
  consoleScripts: ReadonlyMap<string, string>,
  command: string,
  asModule = false,
): PythonLaunch | null {
  const name = asModule ? word : basename(word);
  if (name === 'uvicorn') return parseUvicorn(args, command);
  if (name === 'gunicorn') return parseGunicorn(args, command);
  if (name === 'fastapi') return parseFastapiCli(args, command);
  if (name === 'flask') return parseFlaskCli(args, env, command);
  if (name === 'celery') return parseCelery(args, env, command);
  if (name === 'daphne') return parseDaphne(args, command);
  if (asModule) {
    if (!APP_SPEC.test(word) || word.includes(':')) return null;
    const launch = emptyLaunch('module', 'none', command);
    launch.module = word;
    return launch;
  }
  if (isPython(word)) return parsePython(args, env, consoleScripts, command);
  const script = consoleScripts.get(name);
  if (script !== undefined) {
    const launch = emptyLaunch('console-script', 'none', command);
    const [mod, fn] = script.split(':');
    launch.module = mod?.trim() ?? null;
    launch.variable = fn?.trim().replace(/\(.*$/, '') ?? null;
    return launch;
  }
  if (name.endsWith('.sh') || ((word === 'sh' || word === 'bash') && args[0]?.endsWith('.sh'))) {
    const launch = emptyLaunch('shell-script', 'none', command);
    launch.path = name.endsWith('.sh') ? word : args[0]!;
    return launch;
  }
  // `/start`, `./bin/boot`: a path to a file without an extension, as Dockerfiles and compose files
  // name the start scripts they copy in. Whether it is a shell script the caller decides by reading it.
  if (word.includes('/') && /^[\w./-]+$/.test(word) && !/\.\w+$/.test(name) && !word.startsWith('/usr/') && !word.startsWith('/bin/')) {
    const launch = emptyLaunch('shell-script', 'none', command);
    launch.path = word;
    return launch;
  }
  return null;
}

/** Parse one command segment (no separators). */
function parseSegment(words: string[], consoleScripts: ReadonlyMap<string, string>, depth: number): PythonLaunch | null {
  const env = new Map<string, string>();
  let i = 0;
  while (i < words.length) {
    const word = words[i]!;
    const assign = /^([A-Za-z_]\w*)=(.*)$/.exec(word);
    if (assign) {
      env.set(assign[1]!, assign[2]!);
      i++;
    } else if (WRAPPERS.has(basename(word)) || (word.startsWith('-') && i > 0)) {
      // Options of a wrapper (`tini -g --`, `env -i`): a program never starts with '-'.
      i++;
    } else if (RUNNERS.has(basename(word)) && words[i + 1] === 'run') {
      i += 2;
    } else if (basename(word) === 'newrelic-admin' && words[i + 1] === 'run-program') {
      i += 2;
    } else {
      break;
    }
  }
  const program = words[i];
  if (program === undefined) return null;
  const args = words.slice(i + 1);
  const command = words.slice(i).join(' ');
  if ((basename(program) === 'sh' || basename(program) === 'bash') && args[0] === '-c' && args[1] !== undefined && depth < 3) {
    return parseCommand(args[1], consoleScripts, depth + 1);
  }
  return parseTool(program, args, env, consoleScripts, command);
}

/**
 * The first Python launch in a command line (shell form), or null.
 * @param consoleScripts console scripts the project declares: name -> 'module:function'.
 */
export function parseCommand(line: string, consoleScripts: ReadonlyMap<string, string> = new Map(), depth = 0): PythonLaunch | null {
  return parseWords(shellWords(line), consoleScripts, depth);
}

/** Same, for an exec-form word list (Dockerfile JSON CMD). */
export function parseWords(
  words: readonly string[],
  consoleScripts: ReadonlyMap<string, string> = new Map(),
  depth = 0,
): PythonLaunch | null {
  let segment: string[] = [];
  const segments: string[][] = [];
  for (const word of words) {
    if (SEPARATORS.has(word)) {
      segments.push(segment);
      segment = [];
    } else {
      segment.push(word);
    }
  }
  segments.push(segment);
  for (const seg of segments) {
    const launch = parseSegment(seg, consoleScripts, depth);
    if (launch) return launch;
  }
  return null;
}

/**
 * The one typed facts object detection returns; questions' defaults, generators and edits read an
 * app's facts from here (Node: entry, process, scripts, tsconfig, target; Python: entry, server, launch,
 * Celery processes, dependencies and version pins), all read from the repo during detection.
 *
 * Container files are the part read later, from the plan: a run edits them before a later part asks
 * (compose reads the Dockerfile the docker part patched), so ContainerFacts lists their paths and their
 * facts come from the plan's current text through detect/'s readers: dockerfile-facts.ts (stage names,
 * final command, timeout clues, and stageFacts: the running stage's family, runtime, stop signal, init,
 * USER, command words), container-files.ts (compose services, Kubernetes workloads) and yaml-values.ts
 * (skaffold, kustomize). Every Dockerfile, compose and manifest text is parsed once per run, and only
 * those readers (and container.ts, for a kustomization's patch list) import a parser
 * (core/parse-count.ts; test/architecture/parse-once.test.ts).
 *
 * Generators still read the plan's text of files they edit or copy, and a few small facts by pattern
 * on it: shutdown code in the entry's files, a script an ENTRYPOINT runs, a gunicorn config's
 * graceful_timeout, a Helm chart's kubeVersion and values, a .dockerignore. None parses a Dockerfile,
 * compose file or manifest. All paths are repo-relative POSIX paths ('' is the repo root).
 */

export type ModuleSystem = 'esm' | 'cjs';
export type SourceLanguage = 'ts' | 'js';
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';
export type NodeFramework = 'express' | 'fastify' | 'koa' | 'nestjs' | 'ws' | 'socket.io' | 'next';

export interface TsconfigFacts {
  /** Path of the tsconfig that applies to the app. */
  path: string;
  module: string | null;
  moduleResolution: string | null;
  outDir: string | null;
  rootDir: string | null;
  allowImportingTsExtensions: boolean;
  /** Settings that decide which flavour of the generated module compiles (extends chain included). */
  verbatimModuleSyntax: boolean;
  erasableSyntaxOnly: boolean;
  /** `extends` entries naming a package preset this detector could not read (node_modules is not read). */
  unreadExtends: string[];
}

export interface NodeEntrypoint {
  /** The source file to edit (a .ts file when the app is built from TypeScript). */
  path: string;
  language: SourceLanguage;
  moduleSystem: ModuleSystem;
  /** Where it was found: the source of the process that runs it (see NodeProcess), or a conventional name. */
  via: 'main' | 'bin' | 'script' | 'convention' | 'dockerfile' | 'compose' | 'procfile' | 'pm2';
  /** The package.json script that runs it, when one does ("start"). */
  script: string | null;
  /**
   * Files from the one the process starts to this one, which creates the server (`['bin/www']`, or
   * `['index.js', 'src/server.js']` when index.js requires the server file). Existing shutdown code in
   * any of them is checked before wiring.
   */
  // chain, loads and NodeApp.process are optional only so facts built by hand stay valid; detection always sets them.
  chain?: string[];
  /** Other local files the process loads (imports of imports, a few levels deep): their shutdown code runs in the same process too. */
  loads?: string[];
}

export type NodeProcessSource = 'compose' | 'dockerfile' | 'procfile' | 'pm2' | 'script' | 'main' | 'bin' | 'convention';

/** The process that really runs the app, after reconciling every place that says what runs. */
export interface NodeProcess {
  source: NodeProcessSource;
  /** Where the command was read: 'Dockerfile', 'docker-compose.yml', 'Procfile', 'package.json'. */
  file: string;
  /** The command as written there (`node ./bin/www`, `start: node app.js`). */
  command: string;
  /** Repo-relative source file it starts; null when a runner starts the app itself (`next start`). */
  starts: string | null;
  /** A framework runner that owns the server and its signals: `next start`, `nest start`. */
  runner: 'next-start' | 'nest-start' | null;
  /** Other sources that name a different file or runner: they lost to this one. */
  overruled: { source: NodeProcessSource; file: string; command: string; starts: string | null }[];
}

/** The oldest Node a repo declares it runs on, and where it says so. */
export interface NodeTarget {
  major: number;
  /** What was read, e.g. `engines.node ">=14"` or `FROM node:14`. */
  source: string;
  file: string;
}

export interface StartCommand {
  /** The script that was asked for (start, dev, serve...). */
  script: string;
  /** The script's own text. */
  raw: string;
  /** The command at the end of any `npm run x` chain, e.g. `node dist/server.js`. Null when unresolved. */
  resolved: string | null;
  /** Scripts followed, in order, e.g. ['start', 'serve']. */
  chain: string[];
}

export interface DevServerFacts {
  tool: 'vite' | 'webpack-dev-server' | 'custom';
  /** vite.config.ts, webpack.config.js, or the custom dev-server file. */
  file: string | null;
  /** The package.json script that starts it. */
  script: string | null;
  command: string | null;
}

export interface NodeApp {
  kind: 'node';
  /** Directory of the package ('' for the repo root). */
  dir: string;
  name: string;
  packageType: 'module' | 'commonjs' | null;
  scripts: Record<string, string>;
  dependencies: string[];
  frameworks: NodeFramework[];
  tsconfig: TsconfigFacts | null;
  /** The lowest Node major the repo declares (engines, .nvmrc, .node-version, Dockerfile FROM), or null. */
  nodeTarget: NodeTarget | null;
  entrypoint: NodeEntrypoint | null;
  /** What runs the app (container command, Procfile, pm2, scripts) and which file that starts. */
  process?: NodeProcess | null;
  start: StartCommand | null;
  devServer: DevServerFacts | null;
  /** Process managers seen in the start script: they own signals too. */
  processManagers: ('pm2' | 'nodemon' | 'forever')[];
  /** True when the package runs a server (framework dependency or http/ws use). */
  servesTraffic: boolean;
}

export type PythonFramework = 'fastapi' | 'starlette' | 'flask' | 'django' | 'aiohttp' | 'asyncio' | 'plain';
/** 'daphne': Django Channels' ASGI server (no ASGI lifespan support; Django has none either). */
export type PythonServer = 'uvicorn' | 'gunicorn' | 'fastapi-cli' | 'daphne' | 'none';

/**
 * A Celery process a launcher runs beside (or instead of) the web app. Its stop semantics are
 * Celery's own: SIGTERM is a warm shutdown that waits for the tasks in hand (SIGQUIT is cold,
 * `REMAP_SIGTERM=SIGQUIT` makes SIGTERM cold), so the stop grace must exceed the longest task.
 */
export interface CeleryProcess {
  /** `-A` value: the module holding the Celery app ('config.celery_app'), null when not given. */
  app: string | null;
  /** The sub-command: 'worker', 'beat', 'flower', ... */
  command: string;
  /** The command as written. */
  commandLine: string;
  /** Repo-relative file the command was read from (Procfile, compose file, Dockerfile, script). */
  source: string;
  /** `REMAP_SIGTERM` set on the command line (e.g. 'SIGQUIT': SIGTERM then skips the warm shutdown). */
  remapSigterm: string | null;
  /**
   * The compose service that runs it, when one does (its `command:`, or a script that command runs):
   * that service's stop grace is the worker's, never the web app's chain.
   */
  composeService?: { file: string; service: string };
}

export interface PythonApp {
  kind: 'python';
  dir: string;
  name: string;
  framework: PythonFramework;
  server: PythonServer;
  /** The module to wire (the file that defines the app or runs the main loop). */
  entrypoint: {
    path: string;
    /** Dotted import path from the app dir, e.g. 'app.main'. */
    module: string;
    /** Variable holding the ASGI/WSGI app, e.g. 'app'. */
    appVariable: string | null;
    /** True when the file is in a package (has __init__.py beside it). */
    inPackage: boolean;
  } | null;
  /** The command that starts it (from Dockerfile CMD, Procfile, scripts), if found. */
  startCommand: string | null;
  workers: number | null;
  /** Existing gunicorn config file, if any. */
  gunicornConfig: string | null;
  // Optional facts filled by src/detect/python.ts.
  /** Normalised runtime dependency names from the project's manifests, sorted. */
  dependencies?: string[];
  /**
   * Version specifiers by normalised name (`fastapi` -> '>=0.110') from the app directory's main
   * manifests (pyproject.toml, requirements.txt and requirements/{base,prod,production}.txt, Pipfile,
   * setup.cfg): what the advice and the wiring options check a server's or framework's version against.
   */
  versionPins?: Record<string, string>;
  /** Repo-relative file the start command was read from (Dockerfile, Procfile, script, pyproject.toml). */
  startSource?: string | null;
  /**
   * How the entry module imports a module beside it: 'relative' (`from .signal_handlers import`)
   * when it is imported under a dotted name (`uvicorn app.main:app`, `python -m app.main`),
   * 'absolute' (`from signal_handlers import`) when it is a top-level module or run as a script.
   */
  entryImport?: 'relative' | 'absolute';
  /** The console-script function (`[project.scripts] x = "pkg.cli:main"` -> 'main'), when there is one. */
  entryFunction?: string | null;
  /** The app variable names a factory (`uvicorn --factory`, gunicorn `'m:create_app()'`). */
  appFactory?: boolean;
  /** gunicorn `-k` worker class, e.g. 'uvicorn.workers.UvicornWorker'. */
  workerClass?: string | null;
  /**
   * Celery processes started from this app's directory (worker, beat). They are never given
   * web-server advice or gunicorn's graceful_timeout; the tool writes nothing into them.
   */
  celery?: CeleryProcess[];
  /** What runs the app: 'launcher' (a Dockerfile, compose, Procfile, script, unit or console script ran it) or 'convention' (manage.py, a top-level `__main__` script, a module defining the app). */
  foundBy?: 'launcher' | 'convention';
}

export type App = NodeApp | PythonApp;

export interface ContainerFacts {
  dockerfiles: string[];
  composeFiles: string[];
  /** Plain YAML files holding Deployment/StatefulSet/DaemonSet/Job/CronJob objects (kustomize patches excluded). */
  k8sManifests: string[];
  /** skaffold.yaml files (they name the image each build context makes). */
  skaffold?: string[];
  /** kustomization.yaml files. */
  kustomizations?: string[];
  /** Files a kustomization applies as patches: partial objects, left as written and reported. */
  kustomizePatches?: string[];
  /** Helm chart directories (with a Chart.yaml): templates are not edited, values are reported. */
  helmCharts?: string[];
}

export interface Facts {
  /** Absolute path of the target directory. */
  root: string;
  isGitRepo: boolean;
  packageManager: PackageManager | null;
  /** Workspace package dirs declared by the root (npm/yarn workspaces, pnpm-workspace.yaml). */
  workspaces: string[];
  /** Every app found, Node and Python, in a stable order. */
  apps: App[];
  container: ContainerFacts;
  /** Things detection could not read or understand; printed, not fatal. */
  warnings: string[];
}

/**
 * The one typed facts object detection returns. Everything downstream (questions' defaults,
 * generators, edits) reads facts from here and never touches the disk to rediscover them.
 * All paths are repo-relative POSIX paths ('' is the repo root).
 */

export type ModuleSystem = 'esm' | 'cjs';
export type SourceLanguage = 'ts' | 'js';
export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';
export type NodeFramework = 'express' | 'fastify' | 'koa' | 'nestjs' | 'ws' | 'socket.io';

export interface TsconfigFacts {
  /** Path of the tsconfig that applies to the app. */
  path: string;
  module: string | null;
  moduleResolution: string | null;
  outDir: string | null;
  rootDir: string | null;
  allowImportingTsExtensions: boolean;
}

export interface NodeEntrypoint {
  /** The source file to edit (a .ts file when the app is built from TypeScript). */
  path: string;
  language: SourceLanguage;
  moduleSystem: ModuleSystem;
  /** Where it was found. */
  via: 'main' | 'bin' | 'script' | 'convention';
  /** The package.json script that runs it, when one does ("start"). */
  script: string | null;
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
  entrypoint: NodeEntrypoint | null;
  start: StartCommand | null;
  devServer: DevServerFacts | null;
  /** Process managers seen in the start script: they own signals too. */
  processManagers: ('pm2' | 'nodemon' | 'forever')[];
  /** True when the package runs a server (framework dependency or http/ws use). */
  servesTraffic: boolean;
}

export type PythonFramework = 'fastapi' | 'starlette' | 'flask' | 'django' | 'aiohttp' | 'asyncio' | 'plain';
export type PythonServer = 'uvicorn' | 'gunicorn' | 'fastapi-cli' | 'none';

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

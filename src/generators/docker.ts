/**
 * The 'docker' part: patch the app's Dockerfiles so the stop signal reaches the app (tini as
 * PID 1, exec-form CMD, STOPSIGNAL), or create one from templates/docker/ when there is none.
 */
import { posix } from 'node:path';
import type { Answers } from '../answers.js';
import type { Facts, NodeApp, PythonApp } from '../detect/facts.js';
import { dockerfileEdit, patchDockerfile as patchDockerfileFresh, type DockerfilePatchOptions } from '../edits/dockerfile/patch.js';
import { celeryChainNotes, generatedFilesCopyActions, otherImagesCopyActions } from './docker-copy-files.js';
import { resolveScript } from '../detect/npm-script.js';
import { toExecForm } from '../detect/simple-command.js';
import { appChainNotes, ownsChainNotes } from './container-chain.js';
import { asgiDrainAdvice } from './python-advice.js';
import { projectSpecifiers } from './python-versions.js';
import { nodeImage } from './node-image.js';
import { dockerfileFacts } from '../detect/dockerfile-facts.js';
import { composeServices } from '../detect/container-files.js';
import { serviceContextDir } from './compose-services.js';
import { leftAloneNote } from './python-wiring.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';
import { appDockerfiles, NODE_BINS, patchOptionsFor } from './dockerfile-owners.js';
import { memoizedEdit } from './edit-memo.js';
import { notesOf } from './edit-actions.js';

const patchDockerfile = memoizedEdit(patchDockerfileFresh);

// Named here too for callers that know them as the docker part's.

export const NODE_DOCKERFILE_TEMPLATE = 'docker/node.Dockerfile.hbs';
export const NODE_DEVSERVER_DOCKERFILE_TEMPLATE = 'docker/node-devserver.Dockerfile.hbs';
export const PYTHON_DOCKERFILE_TEMPLATE = 'docker/python.Dockerfile.hbs';
export const DOCKERIGNORE_TEMPLATE = 'docker/dockerignore.hbs';

export const dockerGenerator: ArtifactGenerator = {
  name: 'docker',
  part: 'docker',
  description: 'Dockerfile: tini as PID 1, CMD in exec form, STOPSIGNAL for what runs',
  appliesTo: (ctx) => ctx.answers.parts.includes('docker'),
  actions(ctx) {
    // A Python program left as it is (python-wiring.ts): how it stops is not changed here either.
    const alone = leftAloneNote(ctx);
    if (alone) return [alone];
    const actions: PlanAction[] = [];
    const files = appDockerfiles(ctx.facts, ctx.app, ctx.current);
    if (files.length === 0) actions.push(...createDockerfile(ctx));
    for (const path of files) {
      const options: DockerfilePatchOptions = { ...patchOptionsFor(ctx.app, ctx), readScript: (word) => scriptInRepo(ctx, path, word) };
      const current = ctx.current(path) ?? '';
      const result = patchDockerfile(current, options);
      // The stages a compose build.target selects run too: each is patched like the final one.
      const targets = composeTargetStages(ctx, path).map((stage): DockerfilePatchOptions => ({ ...options, stage }));
      const edits = [dockerfileEdit(options), ...targets.map((o) => dockerfileEdit(o))];
      const notes = [...result.notes];
      let text = typeof result.text === 'string' ? result.text : current;
      for (const o of targets) {
        const r = patchDockerfile(text, o);
        notes.push(...r.notes.map((n) => ({ ...n, message: `stage "${o.stage}" (compose build.target): ${n.message}` })));
        if (r.text !== false) text = r.text;
      }
      // `text` is what the edits make of the current text: the plan's edit of that same text reuses it
      // instead of parsing the Dockerfile again (each parse is linear in the file, which grows with the apps).
      const planned = text === current ? false : text;
      const edit = (source: string): string | false => {
        if (source === current) return planned;
        let next = source;
        for (const e of edits) next = e(next) || next;
        return next === source ? false : next;
      };
      if (planned !== false) {
        const stages = targets.length ? ` (final stage and ${targets.map((o) => `"${o.stage}"`).join(', ')}, which compose builds)` : '';
        const what =
          options.ownStop !== undefined
            ? `exec-form CMD, STOPSIGNAL ${result.data.stopSignal} (no tini: the app keeps its own stop)`
            : `tini as PID 1, exec-form CMD, STOPSIGNAL ${result.data.stopSignal}`;
        actions.push({ type: 'plan-edit', path, edit, reason: `${what}${stages}` });
      }
      actions.push(...notesOf(path, { notes }));
      actions.push(...generatedFilesCopyActions(ctx, ctx.app, path));
      const devCli = devCliIn(typeof result.text === 'string' ? result.text : (ctx.current(path) ?? ''));
      if (devCli !== null && ctx.app.kind === 'node') {
        const prod = ['start:prod', 'prod'].find((s) => ctx.app.kind === 'node' && ctx.app.scripts[s] !== undefined);
        actions.push({
          type: 'plan-note',
          level: 'warn',
          file: path,
          message:
            `CMD runs ${devCli}, a development CLI that compiles or watches at start (and is missing after \`npm ci --omit=dev\`)` +
            (prod !== undefined && ctx.app.kind === 'node'
              ? `: run what the "${prod}" script runs (${ctx.app.scripts[prod]}) instead`
              : ': run the built output with node instead'),
        });
      }
      if (result.data.runtime === 'python-uvicorn' && ctx.app.kind === 'python') {
        const source = typeof result.text === 'string' ? result.text : (ctx.current(path) ?? '');
        // Checked against the server's real CLI: `fastapi run` has no such option, uvicorn has it from 0.18.
        const advice = asgiDrainAdvice(ctx.app, source, Math.ceil(ctx.answers.timeoutMs / 1000), projectSpecifiers(ctx.app));
        if (advice) actions.push({ type: 'plan-note', level: 'warn', file: path, message: advice });
      }
    }
    if (ownsChainNotes('docker', ctx.answers.parts, ctx.facts.container)) {
      actions.push(...appChainNotes(ctx));
    }
    actions.push(...otherImagesCopyActions(ctx, ctx.app, files));
    if (ctx.app.kind === 'python') actions.push(...celeryChainNotes(ctx.app, ctx.answers.timeoutMs));
    return actions;
  },
};

/**
 * Stages of the Dockerfile, other than the final one, that a compose service builds with `build.target`.
 * An override file's service (`build: { target: start }`, no context) takes its context and dockerfile
 * from the service of the same name in another compose file of its directory.
 */
function composeTargetStages(ctx: GeneratorContext, dockerfile: string): string[] {
  const { stageNames } = dockerfileFacts(ctx.current(dockerfile) ?? '', dockerfile);
  const names = new Set(stageNames.filter((n): n is string => n !== null));
  const finalName = stageNames[stageNames.length - 1] ?? null;
  const files = ctx.facts.container.composeFiles.map((file) => ({ file, services: composeServices(ctx.current(file) ?? '', file) }));
  const out: string[] = [];
  for (const { file, services } of files) {
    for (const svc of services) {
      const target = svc.buildTarget?.toLowerCase();
      if (!target || !names.has(target) || target === finalName || out.includes(target)) continue;
      let from = { file, svc };
      if (svc.buildContextSet === false) {
        const base = files.find(
          (f) =>
            f.file !== file &&
            posix.dirname(f.file) === posix.dirname(file) &&
            f.services.some((s) => s.name === svc.name && s.buildContextSet),
        );
        const baseSvc = base?.services.find((s) => s.name === svc.name && s.buildContextSet);
        if (base && baseSvc) from = { file: base.file, svc: { ...baseSvc, dockerfile: svc.dockerfile ?? baseSvc.dockerfile } };
      }
      const dir = serviceContextDir(from.file, from.svc);
      if (dir !== null && posix.join(dir, from.svc.dockerfile ?? 'Dockerfile') === dockerfile) out.push(target);
    }
  }
  return out;
}

/**
 * The repo file an ENTRYPOINT script word names: the file the Dockerfile copies to that path, found by
 * its name under the build context (the Dockerfile's directory, else the repo root).
 */
function scriptInRepo(ctx: GeneratorContext, dockerfile: string, word: string): string | null {
  const name = posix.basename(word);
  const dir = posix.dirname(dockerfile) === '.' ? '' : posix.dirname(dockerfile);
  for (const candidate of [
    posix.join(dir, word.replace(/^\.?\//, '')),
    posix.join(dir, name),
    posix.join(dir, 'docker', name),
    posix.join(dir, 'scripts', name),
    name,
    posix.join('docker', name),
    posix.join('scripts', name),
  ]) {
    const text = ctx.current(candidate);
    if (text !== null) return text;
  }
  return null;
}

/** A development CLI the final stage's CMD runs (`node_modules/.bin/nest start`), or null. */
function devCliIn(dockerfile: string): string | null {
  const cmd = [...dockerfile.matchAll(/^\s*CMD\s+(.+)$/gim)].pop()?.[1] ?? '';
  const m =
    /node_modules\/\.bin\/(nest|ts-node|ts-node-dev|tsx|nodemon|babel-node)\b/.exec(cmd) ??
    /^\[?\s*"?(nest|ts-node|ts-node-dev|tsx|nodemon)"?[\s,]/.exec(cmd);
  return m ? m[1]! : null;
}

function createDockerfile(ctx: GeneratorContext): PlanAction[] {
  const dir = ctx.app.dir;
  const path = posix.join(dir, 'Dockerfile');
  const actions: PlanAction[] = [];
  if (ctx.app.kind === 'node' && runsDevServer(ctx.app)) {
    actions.push(...createDevServerDockerfile(ctx.app, ctx));
  } else if (ctx.app.kind === 'node') {
    const result = nodeImage(ctx.app, ctx.facts, ctx.current);
    if (!result.ok) {
      actions.push({ type: 'plan-note', level: 'warn', file: path, message: `no Dockerfile created: it would need ${result.need}` });
      return actions;
    }
    const data = result.data;
    actions.push({
      type: 'plan-render',
      path,
      template: NODE_DOCKERFILE_TEMPLATE,
      data: { ...data, subdir: data.workdir !== '/app' },
      reason: `Dockerfile with tini and STOPSIGNAL; CMD from ${data.cmdSource}; ${data.buildCommand}`,
    });
    for (const message of data.notes) actions.push({ type: 'plan-note', level: 'info', file: path, message });
    actions.push(...dockerignore(ctx, data.contextDir, data.ignore));
  } else {
    const result = pythonTemplateData(ctx.app, ctx.answers, ctx.current);
    if (!result.ok) {
      actions.push({ type: 'plan-note', level: 'warn', file: path, message: `no Dockerfile created: it would need ${result.need}` });
      return actions;
    }
    actions.push({
      type: 'plan-render',
      path,
      template: PYTHON_DOCKERFILE_TEMPLATE,
      data: result.data,
      reason: `Dockerfile with tini and STOPSIGNAL; CMD ${result.data.cmd}`,
    });
    actions.push(...dockerignore(ctx, dir, ['.git', '**/node_modules', '**/__pycache__', '**/*.pyc', '.venv', 'venv']));
  }
  return actions;
}

/**
 * The .dockerignore of the build context: created when there is none; an existing one that lets
 * node_modules into the context is reported (the host's modules would overwrite the image's).
 */
function dockerignore(ctx: GeneratorContext, contextDir: string, ignore: string[]): PlanAction[] {
  const path = posix.join(contextDir, '.dockerignore');
  const existing = ctx.current(path);
  if (existing === null) {
    return [
      {
        type: 'plan-render',
        path,
        template: DOCKERIGNORE_TEMPLATE,
        data: { ignore },
        reason: 'keep node_modules and local build output out of the image build',
      },
    ];
  }
  if (ignore.includes('**/node_modules') && !/^\s*(\*\*\/)?\/?node_modules\/?\s*$/m.test(existing)) {
    return [
      {
        type: 'plan-note',
        level: 'warn',
        file: path,
        message: "does not exclude node_modules: the host's modules would be copied over the image's; add `**/node_modules`",
      },
    ];
  }
  return [];
}

export interface NodeTemplateData {
  nodeVersion: string;
  packageManager: string;
  copyManifests: string;
  installAll: string;
  installProd: string;
  build: boolean;
  runBuild: string;
  outDir: string;
  port: number;
  cmd: string;
  cmdGuessed: boolean;
}

export function nodeTemplateData(app: NodeApp, facts: Facts, read: (path: string) => string | null): NodeTemplateData {
  const at = (p: string): string => posix.join(app.dir, p);
  const pm = facts.packageManager === 'pnpm' || facts.packageManager === 'yarn' ? facts.packageManager : 'npm';
  const lockfile = pm === 'pnpm' ? 'pnpm-lock.yaml' : pm === 'yarn' ? 'yarn.lock' : 'package-lock.json';
  const hasLock = read(at(lockfile)) !== null;
  const install = {
    npm: hasLock ? ['npm ci', 'npm ci --omit=dev'] : ['npm install', 'npm install --omit=dev'],
    pnpm: ['corepack enable && pnpm install --frozen-lockfile', 'corepack enable && pnpm install --frozen-lockfile --prod'],
    yarn: ['corepack enable && yarn install --frozen-lockfile', 'corepack enable && yarn install --frozen-lockfile --production'],
  }[pm];
  const build = app.scripts['build'] !== undefined;
  const outDir = (app.tsconfig?.outDir ?? 'dist').replace(/^\.\//, '').replace(/\/$/, '');
  const { words, guessed } = nodeCommand(app, outDir);
  return {
    nodeVersion: '22',
    packageManager: pm,
    copyManifests: hasLock ? `package.json ${lockfile}` : 'package.json',
    installAll: install[0]!,
    installProd: install[1]!,
    build,
    runBuild: pm === 'npm' ? 'npm run build' : `${pm} run build`,
    outDir,
    port: 3000,
    cmd: toExecForm(words),
    cmdGuessed: guessed,
  };
}

/** The command the container runs: the start script's command, else node on the (built) entrypoint. */
function nodeCommand(app: NodeApp, outDir: string): { words: string[]; guessed: boolean } {
  const start = app.scripts['start'] !== undefined ? resolveScript(app.scripts, 'start') : null;
  if (start?.ok) return { words: start.words, guessed: false };
  const entry = app.entrypoint;
  if (entry) {
    const rel = app.dir === '' ? entry.path : posix.relative(app.dir, entry.path);
    if (entry.language === 'js') return { words: ['node', rel], guessed: false };
    const rootDir = (app.tsconfig?.rootDir ?? 'src').replace(/^\.\//, '').replace(/\/$/, '');
    const inRoot = rel.startsWith(`${rootDir}/`) ? rel.slice(rootDir.length + 1) : rel;
    return {
      words: [
        'node',
        posix.join(
          outDir,
          inRoot.replace(/\.(c|m)?tsx?$/, (_m, k: string | undefined) => `.${k ?? ''}js`),
        ),
      ],
      guessed: false,
    };
  }
  return { words: ['node', 'index.js'], guessed: true };
}

export interface PythonTemplateData {
  buildCommand: string;
  pythonVersion: string;
  server: string;
  requirements: string;
  pyproject: boolean;
  port: number | null;
  cmd: string;
}

export type PythonTemplateResult = { ok: true; data: PythonTemplateData } | { ok: false; need: string };

const PYTHON_MINORS = [9, 10, 11, 12, 13];

/** The python:3.X tag `requires-python` allows: 3.12 when it may, else the nearest allowed minor. */
export function pythonVersionFor(requires: string | null): string {
  if (requires === null) return '3.12';
  const allowed = PYTHON_MINORS.filter((minor) => requires.split(',').every((clause) => satisfies(clause.trim(), minor)));
  if (allowed.length === 0 || allowed.includes(12)) return '3.12';
  const above = allowed.filter((m) => m > 12);
  return `3.${above.length > 0 ? above[0] : allowed[allowed.length - 1]}`;
}

function satisfies(clause: string, minor: number): boolean {
  const m = /^(>=|<=|==|~=|>|<|!=)\s*3(?:\.(\d+))?(?:\.(\d+|\*))?$/.exec(clause);
  if (!m) return true;
  const v = m[2] === undefined ? 0 : Number(m[2]);
  switch (m[1]) {
    case '>=':
      return minor >= v;
    case '>':
      return m[3] !== undefined ? minor >= v : minor > v;
    case '<=':
      return minor <= v;
    case '<':
      return minor < v;
    case '==':
      return minor === v;
    case '~=':
      return minor >= v;
    case '!=':
      return m[3] !== undefined || minor !== v;
    default:
      return true;
  }
}

export function pythonTemplateData(app: PythonApp, answers: Answers, read: (path: string) => string | null): PythonTemplateResult {
  const at = (p: string): string => posix.join(app.dir, p);
  const budget = String(Math.ceil(answers.timeoutMs / 1000));
  const entry = app.entrypoint;
  const target = entry?.appVariable ? `${entry.module}:${entry.appVariable}${app.appFactory ? '()' : ''}` : null;
  let words: string[];
  let server: string;
  let port: number | null = null;
  // The port the repo's own launcher uses (Procfile, scripts), so EXPOSE and the manifests agree with it.
  const launcher = (app.startCommand ?? '').split(/\s+/);
  const portFlag = launcher.findIndex((w) => w === '--port' || w === '-p');
  const bindFlag = launcher.findIndex((w) => w === '--bind' || w === '-b');
  const launcherPort =
    portFlag >= 0 && /^\d+$/.test(launcher[portFlag + 1] ?? '')
      ? launcher[portFlag + 1]!
      : bindFlag >= 0
        ? (/:(\d+)$/.exec(launcher[bindFlag + 1] ?? '')?.[1] ?? '8000')
        : '8000';
  if ((app.server === 'uvicorn' || app.server === 'fastapi-cli') && target) {
    server = 'uvicorn';
    words = ['uvicorn', target, '--host', '0.0.0.0', '--port', launcherPort, '--timeout-graceful-shutdown', budget];
    if (app.appFactory) words = ['uvicorn', target.replace(/\(\)$/, ''), '--factory', ...words.slice(2)];
    port = Number(launcherPort);
  } else if (app.server === 'gunicorn' && target) {
    server = 'gunicorn';
    words = app.gunicornConfig
      ? ['gunicorn', '--config', posix.relative(app.dir, app.gunicornConfig), target]
      : ['gunicorn', '--bind', `0.0.0.0:${launcherPort}`, '--graceful-timeout', budget, target];
    if (app.workerClass) words.splice(1, 0, '-k', app.workerClass);
    // With a config file, the port is its `bind`.
    const conf = app.gunicornConfig ? (read(app.gunicornConfig) ?? '') : null;
    const bound = conf === null ? launcherPort : (/^\s*bind\s*=\s*\[?\s*["'][^"']*:(\d+)["']/m.exec(conf)?.[1] ?? null);
    port = bound === null ? null : Number(bound);
  } else if (app.startCommand) {
    // The program the repo's own launcher runs (Procfile, scripts, pyproject), word for word.
    server = 'python';
    words = app.startCommand.trim().split(/\s+/);
    const flag = words.findIndex((w) => w === '--port' || w === '-p');
    port = flag >= 0 && /^\d+$/.test(words[flag + 1] ?? '') ? Number(words[flag + 1]) : null;
  } else {
    return {
      ok: false,
      need: `the command that starts ${app.dir === '' ? 'the app' : app.dir}: a Procfile line, a [project.scripts] entry or a uvicorn/gunicorn target (the tool does not guess a module to run)`,
    };
  }
  const pyproject = read(at('pyproject.toml'));
  const requires = pyproject === null ? null : (/^\s*requires-python\s*=\s*["']([^"']+)["']/m.exec(pyproject)?.[1] ?? null);
  return {
    ok: true,
    data: {
      buildCommand: app.dir === '' ? 'docker build .' : `docker build ${app.dir}`,
      pythonVersion: pythonVersionFor(requires),
      server,
      requirements: read(at('requirements.txt')) !== null ? 'requirements.txt' : '',
      pyproject: pyproject !== null,
      port,
      cmd: toExecForm(words),
    },
  };
}

/**
 * Whether the app's container runs its dev server: the dev server is started by `start`, or there is
 * nothing else to run (no start script, no entrypoint). A production server, when there is one, wins.
 */
export function runsDevServer(app: NodeApp): boolean {
  if (app.devServer === null) return false;
  if (app.scripts['start'] !== undefined) return app.devServer.script === 'start';
  return app.entrypoint === null;
}

export interface NodeDevServerTemplateData {
  tool: string;
  nodeVersion: string;
  copyManifests: string;
  installAll: string;
  port: number;
  cmd: string;
}

/** Launchers in node_modules/.bin whose script is known: exec form runs them with node, no shim in between. */

/** Default ports, for EXPOSE. */
const DEV_PORTS = { vite: 5173, 'webpack-dev-server': 8080, custom: 3000 } as const;

/** The dev server's command: the dev script's command with node on the bin's script, listening on every interface. */
export function devServerCommand(app: NodeApp): { words: string[]; warning: string | null } {
  const dev = app.devServer!;
  let words: string[] | null = null;
  let warning: string | null = null;
  if (dev.script !== null) {
    const resolved = resolveScript(app.scripts, dev.script);
    if (resolved.ok) words = resolved.words;
    else warning = `the "${dev.script}" script cannot run without npm (${resolved.reason})`;
  }
  if (words === null) {
    const rel = dev.file === null ? null : app.dir === '' ? dev.file : posix.relative(app.dir, dev.file);
    words =
      dev.tool === 'vite'
        ? ['node_modules/.bin/vite']
        : dev.tool === 'webpack-dev-server'
          ? ['node_modules/.bin/webpack-dev-server']
          : rel !== null
            ? /\.[cm]?ts$/.test(rel)
              ? ['node_modules/.bin/tsx', rel]
              : ['node', rel]
            : ['node', 'index.js'];
    warning = `${warning ?? 'no script starts the dev server'}; CMD runs ${words.join(' ')}: check it`;
  }
  const bin = /^node_modules\/\.bin\/(.+)$/.exec(words[0]!)?.[1];
  if (bin !== undefined && NODE_BINS[bin] !== undefined) words = ['node', NODE_BINS[bin]!, ...words.slice(1)];
  // A container has no browser to open: `--open`/`-o` would make the dev server try (and log an error).
  const openAt = dev.tool === 'custom' ? -1 : words.findIndex((w) => w === '--open' || w === '-o' || w.startsWith('--open='));
  if (openAt >= 0) {
    const valued = words[openAt] !== '--open' && words[openAt] !== '-o' ? 0 : /^(true|false|\/.*)$/.test(words[openAt + 1] ?? '') ? 1 : 0;
    words = [...words.slice(0, openAt), ...words.slice(openAt + 1 + valued)];
  }
  // Inside a container, a server on localhost cannot be reached through a published port.
  if (dev.tool !== 'custom' && !words.some((w) => w === '--host' || w.startsWith('--host='))) words = [...words, '--host', '0.0.0.0'];
  return { words, warning };
}

function createDevServerDockerfile(app: NodeApp, ctx: GeneratorContext): PlanAction[] {
  const dev = app.devServer!;
  const path = posix.join(app.dir, 'Dockerfile');
  const base = nodeTemplateData(app, ctx.facts, ctx.current);
  const { words, warning } = devServerCommand(app);
  const portFlag = words.findIndex((w) => w === '--port' || w === '-p');
  const port = portFlag >= 0 && /^\d+$/.test(words[portFlag + 1] ?? '') ? Number(words[portFlag + 1]) : DEV_PORTS[dev.tool];
  const data: NodeDevServerTemplateData = {
    tool: dev.tool === 'vite' ? 'Vite' : dev.tool === 'custom' ? (dev.file ?? 'custom') : dev.tool,
    nodeVersion: base.nodeVersion,
    copyManifests: base.copyManifests,
    installAll: base.installAll,
    port,
    cmd: toExecForm(words),
  };
  const actions: PlanAction[] = [
    {
      type: 'plan-render',
      path,
      template: NODE_DEVSERVER_DOCKERFILE_TEMPLATE,
      data,
      reason: `dev-server Dockerfile: tini, exec-form ${dev.tool} command, STOPSIGNAL SIGTERM`,
    },
    {
      type: 'plan-note',
      level: 'info',
      file: path,
      message:
        `the image runs the dev server in exec form (${words.join(' ')}), not \`npm run ${dev.script ?? 'dev'}\`: ` +
        'npm as the container command exits on SIGTERM without waiting for the dev server, which is then killed mid-shutdown',
    },
  ];
  if (warning !== null) actions.push({ type: 'plan-note', level: 'warn', file: path, message: warning });
  const source = dev.file === null ? null : ctx.current(dev.file);
  if (dev.tool === 'custom' && source !== null && /\.listen\([^)]*['"](?:127\.0\.0\.1|localhost)['"]/.test(source)) {
    actions.push({
      type: 'plan-note',
      level: 'warn',
      file: dev.file!,
      message: `listens on localhost only: in a container, listen on 0.0.0.0 (e.g. process.env.HOST ?? '127.0.0.1') so the published port reaches it`,
    });
  }
  actions.push(...dockerignore(ctx, app.dir, ['.git', '**/node_modules', 'npm-debug.log*']));
  return actions;
}

/**
 * The app's scripts, with the script that starts the dev server running the bin's script with node
 * (`vite` → `node node_modules/vite/bin/vite.js`), so a patched `CMD npm run dev` matches a created Dockerfile.
 */

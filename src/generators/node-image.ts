/**
 * What a Dockerfile for a Node app needs to build and run, inferred from the repo, or what is
 * missing when it cannot be inferred (then no Dockerfile is created). Workspace apps build from
 * the repo root (root lockfile, every workspace manifest, pnpm-workspace.yaml) and install only
 * the app's production dependencies; TypeScript apps get a build stage and run `node <built file>`
 * from the start script the production path uses, never a dev CLI.
 */
import { posix } from 'node:path';
import type { Facts, NodeApp } from '../detect/facts.js';
import { dockerignoreMatcher } from '../edits/dockerfile/copy-files.js';
import { resolveScript } from '../detect/npm-script.js';
import { toExecForm } from '../detect/simple-command.js';
import { nodeModuleFile } from './node-module-flavour.js';

type Read = (path: string) => string | null;

/** Scripts a production start can be, in the order they are preferred. */
const PROD_SCRIPTS = ['start:prod', 'prod', 'start:production', 'start', 'serve'];
/** CLIs that compile or watch at start: not what a production image runs. */
const DEV_CLIS = new Set([
  'nest',
  'ts-node',
  'ts-node-dev',
  'tsx',
  'nodemon',
  'vite',
  'webpack',
  'webpack-dev-server',
  'babel-node',
  'tsc-watch',
  'concurrently',
]);

export interface NodeImageData {
  /** `docker build` as the header tells it. */
  buildCommand: string;
  /** Repo-relative directory the build context is ('' for the root). */
  contextDir: string;
  nodeVersion: string;
  packageManager: string;
  /** COPY lines that bring the manifests in (one per destination directory). */
  manifestCopies: string[];
  installAll: string;
  installProd: string;
  build: boolean;
  runBuild: string[];
  /** COPY --from=build lines of the built output (app and the workspace packages it uses). */
  builtCopies: string[];
  /** WORKDIR of the running app inside the image. */
  workdir: string;
  port: number | null;
  cmd: string;
  /** Where the command came from, for the plan. */
  cmdSource: string;
  /** Lines the .dockerignore at the context root gets. */
  ignore: string[];
  /** Notes for the plan (what was chosen, and why). */
  notes: string[];
}

export type NodeImageResult = { ok: true; data: NodeImageData } | { ok: false; need: string };

interface Manifest {
  name: string | null;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
  packageManager: string | null;
  workspaces: boolean;
  engines: string | null;
}

function manifest(read: Read, dir: string): Manifest | null {
  const text = read(posix.join(dir, 'package.json'));
  if (text === null) return null;
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    const rec = (v: unknown): Record<string, string> =>
      typeof v === 'object' && v !== null && !Array.isArray(v)
        ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>)
        : {};
    return {
      name: typeof pkg['name'] === 'string' ? pkg['name'] : null,
      dependencies: rec(pkg['dependencies']),
      devDependencies: rec(pkg['devDependencies']),
      scripts: rec(pkg['scripts']),
      packageManager: typeof pkg['packageManager'] === 'string' ? pkg['packageManager'] : null,
      workspaces: pkg['workspaces'] !== undefined,
      engines: typeof rec(pkg['engines'])['node'] === 'string' ? rec(pkg['engines'])['node']! : null,
    };
  } catch {
    return null;
  }
}

/** The node major the image uses: 22, unless engines.node asks for a higher floor. */
function nodeMajor(engines: string | null): string {
  const floor = engines === null ? null : /(?:>=?|\^|~)?\s*v?(\d+)/.exec(engines)?.[1];
  return floor !== undefined && floor !== null && Number(floor) > 22 ? floor : '22';
}

/** The port the app listens on, read from its source: `PORT ?? 4000`, `.listen(4000)`, `port: 4000`. */
export function listenPort(sources: readonly string[]): number | null {
  const patterns = [/PORT\s*(?:\?\?|\|\|)\s*['"]?(\d{2,5})\b/, /\.listen\(\s*['"]?(\d{2,5})\b/, /\bport\s*[:=]\s*['"]?(\d{2,5})\b/i];
  for (const re of patterns) {
    for (const text of sources) {
      const m = re.exec(text);
      if (m) return Number(m[1]);
    }
  }
  return null;
}

export function nodeImage(app: NodeApp, facts: Facts, read: Read): NodeImageResult {
  const own = manifest(read, app.dir);
  if (own === null) return { ok: false, need: `a readable ${posix.join(app.dir, 'package.json')}` };
  const workspace = app.dir !== '' && facts.workspaces.includes(app.dir);
  const contextDir = workspace ? '' : app.dir;
  const root = manifest(read, contextDir) ?? own;
  const pm =
    facts.packageManager === 'pnpm' || facts.packageManager === 'yarn'
      ? facts.packageManager
      : facts.packageManager === 'bun'
        ? 'bun'
        : 'npm';
  if (pm === 'bun') return { ok: false, need: 'a Bun base image (oven/bun) and its install command: the tool writes Node images only' };
  const lockfile = { npm: 'package-lock.json', pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock' }[pm];
  const at = (p: string): string => (contextDir === '' ? p : posix.join(contextDir, p));
  const hasLock = read(at(lockfile)) !== null;
  if (pm !== 'npm' && !hasLock)
    return { ok: false, need: `${at(lockfile)}: ${pm} needs its lockfile for a reproducible install in the image` };
  if (pm === 'yarn' && (read(at('.yarnrc.yml')) !== null || /^yarn@[2-9]/.test(root.packageManager ?? ''))) {
    return {
      ok: false,
      need: "the Yarn Berry install setup (.yarnrc.yml, the yarn release, Plug'n'Play or node_modules linker) copied into the image: only Yarn 1 is written",
    };
  }
  const appRel = workspace ? app.dir : '';
  const notes: string[] = [];
  // The image copies the whole context: a .dockerignore that leaves out a file it needs (an allow-list
  // `*` / `!server.js`) gives an image that fails at install or at start ("Cannot find module").
  const ignoredFile = contextIgnores(app, read, contextDir, [at('package.json'), ...(hasLock ? [at(lockfile)] : [])]);
  if (ignoredFile !== null) return { ok: false, need: ignoredFile };

  // Manifests: the root ones, and for workspaces every workspace's package.json (the lockfile names them all).
  const rootFiles = [
    'package.json',
    ...(hasLock ? [lockfile] : []),
    ...(pm === 'pnpm' && read(at('pnpm-workspace.yaml')) !== null ? ['pnpm-workspace.yaml'] : []),
    ...['.npmrc', '.yarnrc'].filter((f) => read(at(f)) !== null),
  ];
  const manifestCopies = [`COPY ${rootFiles.join(' ')} ./`];
  const workspaceDirs = workspace || (contextDir === '' && facts.workspaces.length > 0) ? [...facts.workspaces].sort() : [];
  for (const dir of workspaceDirs) manifestCopies.push(`COPY ${dir}/package.json ${dir}/`);

  // Workspace packages the app depends on (their build output is needed at run time).
  const names = new Map<string, string>();
  for (const dir of workspaceDirs) {
    const m = manifest(read, dir);
    if (m?.name) names.set(m.name, dir);
  }
  const deps = new Set<string>();
  const visit = (dir: string): void => {
    const m = manifest(read, dir);
    for (const dep of Object.keys(m?.dependencies ?? {})) {
      const d = names.get(dep);
      if (d !== undefined && !deps.has(d) && d !== app.dir) {
        deps.add(d);
        visit(d);
      }
    }
  };
  if (workspace) visit(app.dir);
  const appName = own.name ?? app.name;

  const install = {
    npm: hasLock ? 'npm ci' : 'npm install',
    pnpm: 'corepack enable && pnpm install --frozen-lockfile',
    yarn: 'corepack enable && yarn install --frozen-lockfile',
  }[pm];
  const installProd = {
    npm: `${hasLock ? 'npm ci' : 'npm install'} --omit=dev${workspace ? ` --workspace ${app.dir}` : ''}`,
    pnpm: `corepack enable && pnpm install --frozen-lockfile --prod${workspace ? ` --filter "${appName}..."` : ''}`,
    yarn: 'corepack enable && yarn install --frozen-lockfile --production',
  }[pm];
  if (workspace && pm === 'yarn')
    notes.push('Yarn 1 cannot install one workspace alone: the image gets the production dependencies of every workspace');

  // The command: the production start script, else node on the (built) entrypoint.
  const outDir = (app.tsconfig?.outDir ?? 'dist').replace(/^\.\//, '').replace(/\/$/, '');
  const hasBuild = own.scripts['build'] !== undefined;
  const command = productionCommand(app, own, outDir, hasBuild);
  if (!command.ok) return { ok: false, need: command.need };
  const build = hasBuild && (command.built || app.entrypoint?.language === 'ts');
  if (app.entrypoint?.language === 'ts' && !hasBuild) {
    return {
      ok: false,
      need: `a "build" script in ${posix.join(app.dir, 'package.json')} that compiles ${app.entrypoint.path}: the image runs the built JavaScript, not a TypeScript runner`,
    };
  }
  const runBuild: string[] = [];
  const builtCopies: string[] = [];
  if (build) {
    const ordered = [...topological(deps, read, names)].filter((d) => manifest(read, d)?.scripts['build'] !== undefined);
    if (pm === 'pnpm' && workspace) runBuild.push(`pnpm --filter "${appName}..." run build`);
    else {
      for (const d of [...ordered, ...(workspace ? [app.dir] : [''])]) {
        const m = manifest(read, d);
        runBuild.push(
          pm === 'npm'
            ? d === ''
              ? 'npm run build'
              : `npm run build --workspace ${d}`
            : d === ''
              ? 'yarn run build'
              : `yarn workspace ${m?.name ?? d} run build`,
        );
      }
    }
    for (const d of [...ordered, appRel]) {
      const out = d === appRel ? outDir : libOutDir(read, d);
      const path = d === '' ? out : `${d}/${out}`;
      builtCopies.push(`COPY --from=build /app/${path} ./${path}`);
    }
  }

  // The port, from the file the command runs and the entrypoint.
  const sources = [app.entrypoint?.path, command.file === null ? undefined : posix.join(app.dir, command.file)]
    .filter((p): p is string => p !== undefined)
    .flatMap((p) => [read(p), read(p.replace(/^(.*\/)?dist\//, '$1src/').replace(/\.js$/, '.ts'))])
    .filter((t): t is string => t !== null);
  const port = listenPort(sources);
  if (port === null) notes.push('the port the app listens on was not found in its source: no EXPOSE line (add one)');

  const dockerfile = posix.join(app.dir, 'Dockerfile');
  return {
    ok: true,
    data: {
      buildCommand:
        contextDir === '' ? (app.dir === '' ? 'docker build .' : `docker build -f ${dockerfile} .`) : `docker build ${contextDir}`,
      contextDir,
      nodeVersion: nodeMajor(own.engines ?? root.engines),
      packageManager: pm,
      manifestCopies,
      installAll: install,
      installProd,
      build,
      runBuild,
      builtCopies,
      workdir: appRel === '' ? '/app' : `/app/${appRel}`,
      port,
      cmd: toExecForm(command.words),
      cmdSource: command.source,
      ignore: ['.git', '**/node_modules', 'npm-debug.log*', ...(build ? [posix.join(appRel, outDir)] : [])],
      notes,
    },
  };
}

/**
 * What the context's .dockerignore leaves out of the files the image needs: the manifests, the entry
 * and the generated module beside it (the created Dockerfile copies the whole context); null when none.
 */
function contextIgnores(app: NodeApp, read: Read, contextDir: string, manifests: readonly string[]): string | null {
  const ignore = read(posix.join(contextDir, '.dockerignore'));
  if (ignore === null) return null;
  const ignored = dockerignoreMatcher(ignore);
  const needed = [...manifests, ...(app.entrypoint ? [app.entrypoint.path, nodeModuleFile(app)] : [])];
  const rel = (p: string): string => (contextDir === '' ? p : posix.relative(contextDir, p));
  const left = needed.map(rel).filter((p) => !p.startsWith('..') && ignored(p));
  if (left.length === 0) return null;
  return `${posix.join(contextDir, '.dockerignore')} to let ${left.join(', ')} into the build context (add ${left.map((p) => `\`!${p}\``).join(', ')}): the image copies the whole context`;
}

function libOutDir(read: Read, dir: string): string {
  const text = read(posix.join(dir, 'tsconfig.json')) ?? '';
  const m = /"outDir"\s*:\s*"\.?\/?([^"]+?)\/?"/.exec(text);
  return m?.[1] ?? 'dist';
}

/** Workspace dirs, dependencies first. */
function topological(dirs: ReadonlySet<string>, read: Read, names: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const visit = (d: string, seen: Set<string>): void => {
    if (out.includes(d) || seen.has(d)) return;
    seen.add(d);
    for (const dep of Object.keys(manifest(read, d)?.dependencies ?? {})) {
      const x = names.get(dep);
      if (x !== undefined && dirs.has(x)) visit(x, seen);
    }
    out.push(d);
  };
  for (const d of [...dirs].sort()) visit(d, new Set());
  return out;
}

type Command = { ok: true; words: string[]; built: boolean; file: string | null; source: string } | { ok: false; need: string };

/** The command the production path runs. */
function productionCommand(app: NodeApp, own: Manifest, outDir: string, hasBuild: boolean): Command {
  const rejected: string[] = [];
  for (const name of PROD_SCRIPTS) {
    if (own.scripts[name] === undefined) continue;
    const r = resolveScript(own.scripts, name);
    if (!r.ok) {
      rejected.push(`"${name}" (${r.reason})`);
      continue;
    }
    const words = r.words;
    const bin = /^node_modules\/\.bin\/(.+)$/.exec(words[0]!)?.[1];
    if (words[0] === 'node' || words[0] === 'nodejs') {
      if (words.some((w) => w === '--watch' || w.startsWith('--watch=') || /ts-node|tsx/.test(w))) {
        rejected.push(`"${name}" (watches or compiles TypeScript at start)`);
        continue;
      }
      const file = words.slice(1).find((w) => !w.startsWith('-')) ?? null;
      const built = file !== null && (file.startsWith(`${outDir}/`) || file.startsWith(`./${outDir}/`));
      if (built && !hasBuild) {
        rejected.push(`"${name}" (runs ${file}, and no "build" script makes it)`);
        continue;
      }
      return { ok: true, words, built, file, source: `the "${name}" script` };
    }
    if (bin !== undefined && !DEV_CLIS.has(bin) && own.dependencies[binPackage(bin)] !== undefined) {
      return { ok: true, words, built: hasBuild, file: null, source: `the "${name}" script` };
    }
    rejected.push(
      `"${name}" (${words.join(' ')}: ${bin !== undefined && DEV_CLIS.has(bin) ? 'a development CLI' : 'not installed with production dependencies'})`,
    );
  }
  const entry = app.entrypoint;
  if (entry !== null) {
    const rel = app.dir === '' ? entry.path : posix.relative(app.dir, entry.path);
    if (entry.language === 'js') return { ok: true, words: ['node', rel], built: false, file: rel, source: `the entrypoint ${entry.path}` };
    if (hasBuild) {
      const rootDir = (app.tsconfig?.rootDir ?? 'src').replace(/^\.\//, '').replace(/\/$/, '');
      const inRoot = rel.startsWith(`${rootDir}/`) ? rel.slice(rootDir.length + 1) : rel;
      const file = posix.join(
        outDir,
        inRoot.replace(/\.(c|m)?tsx?$/, (_m, k: string | undefined) => `.${k ?? ''}js`),
      );
      return { ok: true, words: ['node', file], built: true, file, source: `the build output of ${entry.path}` };
    }
  }
  const tried = rejected.length > 0 ? ` (not usable: ${rejected.join('; ')})` : '';
  return { ok: false, need: `a production start command: a "start" or "start:prod" script that runs \`node <file>\`${tried}` };
}

/** The package a .bin name usually comes from. */
function binPackage(bin: string): string {
  return bin;
}

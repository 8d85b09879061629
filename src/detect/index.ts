/** Detection: one pass over the repository, one typed facts object out. Never writes. */
import { existsSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import type { App, Facts } from './facts.js';
import { UserError } from '../core/errors.js';
import { listRepoFiles, MAX_READ_BYTES } from './files.js';
import { isRecord, parseJson } from './json.js';
import { detectNodeApps, detectPackageManager, detectWorkspaces } from './node-apps.js';
import { detectPythonApps } from './python.js';
import { detectContainer } from './container.js';
import { scriptTargetFile } from './start-script.js';
import type { RepoFiles } from './repo-files.js';
import type { ContainerFacts } from './facts.js';
import type { Document } from 'yaml';
import { parseDocs } from './compose-file.js';
import { k8sDocs } from './k8s-file.js';

export function detect(target: string): Facts {
  const root = resolve(target);
  if (!existsSync(root)) throw new UserError(`${target}: no such directory; pass the repository's directory`, { exitCode: 2 });
  if (!statSync(root).isDirectory())
    throw new UserError(`${target}: is a file, not a directory; pass the repository's directory`, { exitCode: 2 });
  const files = listRepoFiles(root);
  return detectFrom(files);
}

export function detectFrom(files: RepoFiles): Facts {
  checkManifests(files);
  const warnings = files.unreadable.map((d) => `${d}/: cannot be read (permissions); skipped`);
  const links = 'symlinks' in files ? (files.symlinks as readonly string[]) : [];
  if (links.length) warnings.push(symlinkWarning(links));
  const apps: App[] = [...detectNodeApps(files), ...detectPythonApps(files)];
  for (const app of apps) checkEmbeddedPaths(app);
  if (!apps.some(hasEntrypoint)) explainMissingApp(files, apps);
  const container = detectContainer(files);
  warnings.push(...unusableConfigWarnings(files, container));
  return {
    root: files.root,
    isGitRepo: existsSync(resolve(files.root, '.git')),
    packageManager: detectPackageManager(files),
    workspaces: detectWorkspaces(files),
    apps: apps.sort((a, b) => a.dir.localeCompare(b.dir) || a.kind.localeCompare(b.kind)),
    container,
    warnings,
  };
}

/** Mirrors the depth limit of detectNodeApps: deeper manifests are not read at all. */
const MANIFEST_MAX_SEGMENTS = 4;

/**
 * A package.json that is present but unusable (not UTF-8 text, or JSON that is not an object) is
 * an error that names it; otherwise the app would silently vanish and the user would be told only
 * that no app was found.
 */
function checkManifests(files: RepoFiles): void {
  for (const path of files.list) {
    if (posix.basename(path) !== 'package.json' || path.split('/').length > MANIFEST_MAX_SEGMENTS) continue;
    const text = files.read(path);
    if (text === null) {
      throw new UserError(
        `cannot be read as UTF-8 text (binary, another encoding, unreadable, or over ${MAX_READ_BYTES / 1024 / 1024} MB); save it as UTF-8 JSON and run again`,
        { file: path },
      );
    }
    const value = parseJson(text, path);
    if (!isRecord(value)) {
      const found = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
      throw new UserError(`must be a JSON object, but it is ${found}; fix it and run again`, { file: path });
    }
  }
}

function symlinkWarning(links: readonly string[]): string {
  const shown = links.slice(0, 3).join(', ') + (links.length > 3 ? ` and ${links.length - 3} more` : '');
  return `symlinks are never followed or written through: ${shown}; if one is an entrypoint or config file, replace it with the file itself`;
}

/** Config files other detectors read and quietly skip when unusable: say so, naming the file. */
const TEXT_CONFIGS =
  /(^|\/)(tsconfig[\w.-]*\.json|pyproject\.toml|requirements[\w.-]*\.txt|Pipfile|Procfile|gunicorn\.conf\.py|(Docker|Container)file(\.[\w.-]+)?|[\w.-]+\.dockerfile)$/;

function unusableConfigWarnings(files: RepoFiles, container: ContainerFacts): string[] {
  const out: string[] = [];
  const yamlFiles = new Set([...container.composeFiles, ...container.k8sManifests]);
  for (const path of files.list) {
    if (path.split('/').length > MANIFEST_MAX_SEGMENTS) continue;
    if (!TEXT_CONFIGS.test(path) && !yamlFiles.has(path)) continue;
    const text = files.read(path);
    if (text === null) {
      out.push(
        `${path}: cannot be read as UTF-8 text (binary, another encoding, unreadable, or over ${MAX_READ_BYTES / 1024 / 1024} MB); it is ignored: save it as UTF-8 to have it treated`,
      );
    } else if (yamlFiles.has(path)) {
      // The format's own parse of the text (cached): its readers and edits take the same one.
      const docs = (container.composeFiles.includes(path) ? parseDocs(text) : k8sDocs(text)) ?? [];
      const error = docs.flatMap((d) => d.errors)[0];
      if (error) {
        const at = error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}: ` : '';
        const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        out.push(`${path}: is not valid YAML (${at}${reason}); it is left alone: fix it and run again to have it treated`);
      } else {
        checkYamlValues(path, docs);
      }
    }
  }
  return out;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Paths read from the repo end up in generated files (Dockerfile COPY/CMD, .dockerignore, import
 * specifiers). A control character in one (a line break in tsconfig's outDir, a file name with a
 * newline) would break out of its line: refuse it here, naming where it came from.
 */
function checkEmbeddedPaths(app: App): void {
  const fields: [string, string | null | undefined, string][] =
    app.kind === 'node'
      ? [
          [app.tsconfig?.path ?? 'tsconfig.json', app.tsconfig?.outDir, 'compilerOptions.outDir'],
          [app.tsconfig?.path ?? 'tsconfig.json', app.tsconfig?.rootDir, 'compilerOptions.rootDir'],
          [app.dir ? `${app.dir}/package.json` : 'package.json', app.entrypoint?.path, 'the entrypoint path'],
        ]
      : [[app.entrypoint?.path ?? app.dir, app.entrypoint?.path, 'the entrypoint path']];
  for (const [file, value, what] of fields) {
    if (typeof value === 'string' && CONTROL.test(value)) {
      throw new UserError(`${what} ${JSON.stringify(value)} contains a control character (a line break?); rename or fix it and run again`, {
        file: JSON.stringify(file).slice(1, -1),
      });
    }
  }
}

function hasEntrypoint(app: App): boolean {
  return app.kind === 'python' ? app.entrypoint !== null : app.entrypoint !== null || app.devServer !== null || app.process?.runner != null;
}

const MANIFESTS = new Set(['package.json', 'pyproject.toml', 'requirements.txt']);
const ENTRY_BASES = ['server', 'index', 'main', 'app'].flatMap((b) => [b, `src/${b}`]);
const ENTRY_EXTS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.py'];

/**
 * No app was found. When the reason is a manifest or entrypoint that is a symlink or a named pipe
 * (entries detection never reads), say so, naming it: "no app found" alone would not tell why.
 */
function explainMissingApp(files: RepoFiles, apps: App[]): void {
  const why = new Map<string, string>();
  for (const p of 'symlinks' in files ? (files.symlinks as readonly string[]) : [])
    why.set(p, 'is a symlink, which the tool never follows');
  for (const p of 'specials' in files ? (files.specials as readonly string[]) : [])
    why.set(p, 'is not a regular file (a named pipe, socket or device)');
  if (why.size === 0) return;
  const candidates: string[] = [...why.keys()].filter(
    (p) => MANIFESTS.has(posix.basename(p)) && p.split('/').length <= MANIFEST_MAX_SEGMENTS,
  );
  for (const app of apps) {
    const at = (p: string): string => posix.normalize(app.dir ? posix.join(app.dir, p) : p);
    if (app.kind === 'node' && app.start?.resolved) {
      const target = scriptTargetFile(app.start.resolved);
      if (target) candidates.push(at(target));
    }
    for (const base of ENTRY_BASES) for (const ext of ENTRY_EXTS) candidates.push(at(base + ext));
  }
  const hit = candidates.find((p) => why.has(p));
  if (hit) throw new UserError(`${why.get(hit)}, so no app could be found; replace it with the file itself and run again`, { file: hit });
}

/**
 * YAML that parses can still fail when turned into values, the way its format's reader reads it: a
 * merge key (`<<`) whose source is not a map in a compose file (compose applies merge keys), or aliases
 * expanded past the parser's limit (an alias bomb). Those throw deep inside the readers; refuse the
 * file here, naming it.
 */
function checkYamlValues(path: string, docs: readonly Document.Parsed[]): void {
  try {
    for (const doc of docs) doc.toJS();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new UserError(`cannot be read as compose or Kubernetes YAML (${reason}); fix it and run again`, { file: path, cause: error });
  }
}

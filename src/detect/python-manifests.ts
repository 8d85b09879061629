/**
 * What a Python project declares about itself: its name, its runtime dependencies and its console
 * scripts, read from pyproject.toml (PEP 621 and Poetry), requirements*.txt, Pipfile, setup.cfg and
 * setup.py. Only the few tables we need are read; the TOML reader is deliberately small.
 */
import { posix } from 'node:path';
import type { RepoFiles } from './repo-files.js';

export interface PythonManifest {
  name: string | null;
  /** Normalised distribution names (lowercase, '-' for runs of -_.), sorted, without 'python'. */
  dependencies: string[];
  /** Console scripts: name -> 'module:function'. */
  scripts: Map<string, string>;
  /** Version specifiers as written, by normalised name (`fastapi` -> '>=0.110,<1'; Poetry's '^0.110' too). */
  specifiers: Map<string, string>;
  /** Manifest files found, repo-relative. */
  files: string[];
}

/** A TOML table as flat key -> raw value text (strings unquoted, arrays as string lists). */
type TomlValue = string | string[];
type TomlTables = Map<string, Map<string, TomlValue>>;

/** PEP 503 normalisation. */
export function normaliseDistName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** Strings inside a TOML array or inline text, in order. */
function quotedStrings(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

/** Bracket depth change of a line, ignoring brackets inside strings and after comments. */
function bracketDelta(line: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') break;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') depth--;
  }
  return depth;
}

function unquoteKey(key: string): string {
  const k = key.trim();
  if ((k.startsWith('"') && k.endsWith('"')) || (k.startsWith("'") && k.endsWith("'"))) return k.slice(1, -1);
  return k;
}

export function parseTomlTables(text: string): TomlTables {
  const tables: TomlTables = new Map();
  let current = new Map<string, TomlValue>();
  tables.set('', current);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      const name = header[1]!.split('.').map(unquoteKey).join('.');
      current = tables.get(name) ?? new Map();
      tables.set(name, current);
      continue;
    }
    const kv = /^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    const key = unquoteKey(kv[1]!);
    let value = kv[2]!;
    let depth = bracketDelta(value);
    while (depth > 0 && i + 1 < lines.length) {
      const next = lines[++i]!;
      value += '\n' + next;
      depth += bracketDelta(next);
    }
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) current.set(key, quotedStrings(trimmed));
    else if (trimmed.startsWith('"') || trimmed.startsWith("'")) current.set(key, quotedStrings(trimmed)[0] ?? '');
    else current.set(key, trimmed.replace(/\s+#.*$/, ''));
  }
  return tables;
}

/** The distribution name at the start of a requirement string: `fastapi[all]>=0.100` -> fastapi. */
function requirementName(req: string): string | null {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(req);
  return m ? normaliseDistName(m[1]!) : null;
}

/** The version part of a requirement string: `fastapi[all]>=0.100 ; python_version>"3.8"` -> '>=0.100'. */
function requirementSpecifier(req: string): string {
  return req
    .replace(/;.*$/, '')
    .replace(/^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?/, '')
    .replace(/\s+/g, '');
}

function pushSpecifier(into: PythonManifest, req: string): void {
  const name = requirementName(req);
  const spec = requirementSpecifier(req);
  if (name && spec && !into.specifiers.has(name)) into.specifiers.set(name, spec);
}

function readRequirements(text: string, into?: PythonManifest): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-')) continue;
    const name = requirementName(line);
    if (name) out.push(name);
    if (into) pushSpecifier(into, line);
  }
  return out;
}

function readPyproject(text: string, into: PythonManifest): void {
  const t = parseTomlTables(text);
  const project = t.get('project');
  const poetry = t.get('tool.poetry');
  const name = project?.get('name') ?? poetry?.get('name');
  if (typeof name === 'string' && into.name === null) into.name = name;
  const deps = project?.get('dependencies');
  if (Array.isArray(deps))
    for (const d of deps) {
      pushName(into, requirementName(d));
      pushSpecifier(into, d);
    }
  for (const [key, value] of t.get('tool.poetry.dependencies') ?? []) {
    pushName(into, normaliseDistName(key));
    if (typeof value === 'string' && value.trim() !== '*' && !into.specifiers.has(normaliseDistName(key)))
      into.specifiers.set(normaliseDistName(key), value.replace(/\s+/g, ''));
  }
  for (const table of ['project.scripts', 'tool.poetry.scripts']) {
    for (const [key, value] of t.get(table) ?? []) if (typeof value === 'string') into.scripts.set(key, value);
  }
}

function readPipfile(text: string, into: PythonManifest): void {
  for (const key of parseTomlTables(text).get('packages')?.keys() ?? []) pushName(into, normaliseDistName(key));
}

/** setup.cfg: `[options] install_requires =` and `[options.entry_points] console_scripts =`, indented lists. */
function readSetupCfg(text: string, into: PythonManifest): void {
  let section = '';
  let key = '';
  for (const raw of text.split(/\r?\n/)) {
    const header = /^\[([^\]]+)\]/.exec(raw);
    if (header) {
      section = header[1]!.trim();
      key = '';
      continue;
    }
    const kv = /^([A-Za-z_][\w-]*)\s*[=:]\s*(.*)$/.exec(raw);
    let value: string;
    if (kv) {
      key = kv[1]!;
      value = kv[2]!;
      if (section === 'metadata' && key === 'name' && into.name === null) into.name = value.trim();
    } else if (/^\s+\S/.test(raw)) {
      value = raw;
    } else {
      continue;
    }
    value = value.trim();
    if (!value || value.startsWith('#')) continue;
    if (section === 'options' && key === 'install_requires') pushName(into, requirementName(value));
    if (section === 'options.entry_points' && key === 'console_scripts' && value.includes('=')) {
      const [name, target] = value.split('=');
      into.scripts.set(name!.trim(), target!.trim());
    }
  }
}

/** setup.py, by pattern: install_requires=[...] and console_scripts=[...] string lists. */
function readSetupPy(text: string, into: PythonManifest): void {
  const req = /install_requires\s*=\s*\[([^\]]*)\]/.exec(text);
  if (req) for (const r of quotedStrings(req[1]!)) pushName(into, requirementName(r));
  const scripts = /["']console_scripts["']\s*:\s*\[([^\]]*)\]/.exec(text);
  if (scripts) {
    for (const s of quotedStrings(scripts[1]!)) {
      const [name, target] = s.split('=');
      if (name && target) into.scripts.set(name.trim(), target.trim());
    }
  }
  const name = /\bname\s*=\s*["']([^"']+)["']/.exec(text);
  if (name && into.name === null) into.name = name[1]!;
}

function pushName(into: PythonManifest, name: string | null): void {
  if (name && name !== 'python' && !into.dependencies.includes(name)) into.dependencies.push(name);
}

/** Files that mark a directory as a Python project. */
export function isPythonManifest(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (
    base === 'pyproject.toml' ||
    base === 'Pipfile' ||
    base === 'setup.cfg' ||
    base === 'setup.py' ||
    /^requirements.*\.(txt|in)$/.test(base) ||
    /(^|\/)requirements\/[^/]+\.(txt|in)$/.test(path)
  );
}

/** The project dir a manifest belongs to (`requirements/base.txt` belongs to the dir above). */
export function manifestDir(path: string): string {
  const parts = path.split('/');
  parts.pop();
  if (parts[parts.length - 1] === 'requirements' && /\.(txt|in)$/.test(path)) parts.pop();
  return parts.join('/');
}

/** Read every manifest of the project in `dir` (manifests given by the caller, repo-relative). */
/** Manifests read for version pins, in the app's directory (the main requirements files, not dev ones). */
const PIN_FILES = [
  'pyproject.toml',
  'requirements.txt',
  'requirements/base.txt',
  'requirements/prod.txt',
  'requirements/production.txt',
  'Pipfile',
  'setup.cfg',
];

/** Version specifiers by normalised name (`fastapi` -> '>=0.110') the app directory's manifests pin. */
export function versionPins(files: Pick<RepoFiles, 'read'>, appDir: string): Record<string, string> {
  const paths = PIN_FILES.map((f) => (appDir ? posix.join(appDir, f) : f));
  return Object.fromEntries(readPythonManifest(files, paths).specifiers);
}

export function readPythonManifest(files: Pick<RepoFiles, 'read'>, manifests: readonly string[]): PythonManifest {
  const out: PythonManifest = { name: null, dependencies: [], scripts: new Map(), specifiers: new Map(), files: [...manifests] };
  // pyproject first: its name wins over setup.py's.
  const ordered = [...manifests].sort(
    (a, b) => Number(!a.endsWith('pyproject.toml')) - Number(!b.endsWith('pyproject.toml')) || a.localeCompare(b),
  );
  for (const path of ordered) {
    const text = files.read(path);
    if (text === null) continue;
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base === 'pyproject.toml') readPyproject(text, out);
    else if (base === 'Pipfile') readPipfile(text, out);
    else if (base === 'setup.cfg') readSetupCfg(text, out);
    else if (base === 'setup.py') readSetupPy(text, out);
    else readRequirements(text, out).forEach((n) => pushName(out, n));
  }
  out.dependencies.sort();
  return out;
}

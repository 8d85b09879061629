/**
 * Lists the repository's files the way git would see them: node_modules and .git never entered,
 * .gitignore rules honoured (nested ones too), symlinks never followed (a link can point out of
 * the root or loop). Reading is lazy and guarded: binary, oversized or non-UTF-8 files read as null.
 */
import { readdirSync, type Dirent } from 'node:fs';
import { join, posix } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { RepoFiles } from './repo-files.js';
import { UserError } from '../core/errors.js';
import { readText } from '../core/text-file.js';

// Re-exported: detect's callers read text through here as before.
export { MAX_READ_BYTES, readText } from '../core/text-file.js';

/** Directories never worth entering: dependency trees, VCS data, build caches. */
const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.tox',
  '.next',
  '.nuxt',
  '.turbo',
  '.cache',
]);

interface Scope {
  dir: string;
  ig: Ignore;
}

/** The repo's files, plus the symlinks that were seen and not followed (for a warning). */
export interface ListedFiles extends RepoFiles {
  readonly symlinks: readonly string[];
  /** Named pipes, sockets and devices: never read (a FIFO would block the read forever). */
  readonly specials: readonly string[];
}

export function listRepoFiles(root: string): ListedFiles {
  const list: string[] = [];
  const unreadable: string[] = [];
  const symlinks: string[] = [];
  const specials: string[] = [];
  walk(root, '', [], { files: list, unreadable, symlinks, specials });
  list.sort();
  symlinks.sort();
  const set = new Set(list);
  const cache = new Map<string, string | null>();
  return {
    root,
    list,
    unreadable,
    symlinks,
    specials,
    has: (p) => set.has(p),
    read(p) {
      if (!set.has(p)) return null;
      if (!cache.has(p)) cache.set(p, readText(join(root, p)));
      return cache.get(p) ?? null;
    },
  };
}

interface Found {
  files: string[];
  unreadable: string[];
  symlinks: string[];
  specials: string[];
}

function walk(root: string, rel: string, scopes: Scope[], found: Found): void {
  const abs = rel ? join(root, rel) : root;
  let entries: Dirent[];
  try {
    entries = readdirSync(abs, { withFileTypes: true });
  } catch (error) {
    if (rel === '')
      throw new UserError(`cannot read the target directory (${(error as NodeJS.ErrnoException).code ?? 'error'}); check its permissions`, {
        cause: error,
      });
    found.unreadable.push(rel);
    return;
  }
  const gitignore = entries.find((e) => e.name === '.gitignore' && e.isFile());
  const here = gitignore ? [...scopes, { dir: rel, ig: ignore().add(readText(join(abs, '.gitignore')) ?? '') }] : scopes;
  for (const e of entries) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isSymbolicLink()) {
      if (!isIgnored(here, path, false)) found.symlinks.push(path);
      continue;
    }
    if (e.isDirectory()) {
      if (SKIP_DIRS.has(e.name) || isIgnored(here, path, true)) continue;
      walk(root, path, here, found);
    } else if (e.isFile()) {
      if (!isIgnored(here, path, false)) found.files.push(path);
    } else if (!isIgnored(here, path, false)) {
      found.specials.push(path);
    }
  }
}

function isIgnored(scopes: Scope[], path: string, isDir: boolean): boolean {
  for (const s of scopes) {
    const sub = s.dir ? posix.relative(s.dir, path) : path;
    if (s.ig.ignores(isDir ? `${sub}/` : sub)) return true;
  }
  return false;
}

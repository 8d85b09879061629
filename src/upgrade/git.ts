/**
 * Uncommitted changes among the files a run is about to change, from `git status --porcelain`.
 * A re-run must not mix its changes into the user's unsaved work: the user could no longer tell
 * them apart, nor undo only the tool's.
 */
import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export type GitState =
  | { kind: 'repo' /** Repo-relative (to the tool's root) POSIX paths with uncommitted changes, untracked included. */; dirty: string[] }
  | { kind: 'not-a-repo' }
  | { kind: 'no-git' };

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** @param paths repo-relative POSIX paths (relative to `root`, which may be a subdirectory of the git work tree) */
export function uncommitted(root: string, paths: readonly string[]): GitState {
  let top: string;
  try {
    top = git(root, ['rev-parse', '--show-toplevel']).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'no-git' };
    return { kind: 'not-a-repo' };
  }
  if (paths.length === 0) return { kind: 'repo', dirty: [] };
  // Literal pathspecs: a path like `src/[id].ts` must not be read as a glob.
  const out = git(root, ['--literal-pathspecs', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths]);
  const realRoot = realpathSync(root);
  const dirty = new Set<string>();
  const fields = out.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    if (field.length < 4) continue;
    const status = field.slice(0, 2);
    // Porcelain paths are relative to the top of the work tree, whatever the cwd.
    dirty.add(
      relative(realRoot, join(top, field.slice(3)))
        .split(sep)
        .join('/'),
    );
    if (status.includes('R') || status.includes('C')) i++; // the next field is the rename's source
  }
  return { kind: 'repo', dirty: paths.filter((p) => dirty.has(p)) };
}

/**
 * The view of the repository that detectors get: a list of files (node_modules, .git and
 * .gitignored paths excluded, symlinks not followed) and a reader that refuses what it should.
 */
export interface RepoFiles {
  /** Absolute root. */
  readonly root: string;
  /** Repo-relative POSIX paths of regular files, sorted. */
  readonly list: readonly string[];
  /** Directories that could not be read (permissions); reported as warnings. */
  readonly unreadable: readonly string[];
  has(path: string): boolean;
  /** UTF-8 text of a listed file (BOM stripped), or null when absent, unreadable, binary or too large. */
  read(path: string): string | null;
}

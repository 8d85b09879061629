/** A RepoFiles over a fixture directory, for tests (node_modules and .git skipped, no .gitignore). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RepoFiles } from '../../src/detect/repo-files.js';

export function fixtureRepoFiles(root: string): RepoFiles {
  const list: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === '.git') continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else list.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  list.sort();
  const set = new Set(list);
  return {
    root,
    list,
    has: (p) => set.has(p),
    read: (p) => (set.has(p) ? readFileSync(join(root, p), 'utf8').replace(/^\uFEFF/, '') : null),
  };
}

/** Detection: one pass over the repository, one typed facts object out. Never writes. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { App, Facts } from './facts.js';
import { UserError } from '../core/errors.js';
import { listRepoFiles } from './files.js';
import { detectNodeApps, detectPackageManager, detectWorkspaces } from './node-apps.js';
// INTEGRATE: import { detectPythonApps } from './python.js';
const detectPythonApps = (_f: RepoFiles): App[] => [];
// INTEGRATE: import { detectContainer } from './container.js';
const detectContainer = (_f: RepoFiles) => ({ dockerfiles: [], composeFiles: [], k8sManifests: [] });
import type { RepoFiles } from './repo-files.js';

export function detect(target: string): Facts {
  const root = resolve(target);
  if (!existsSync(root)) throw new UserError(`${target}: no such directory; pass the repository's directory`, { exitCode: 2 });
  if (!statSync(root).isDirectory()) throw new UserError(`${target}: is a file, not a directory; pass the repository's directory`, { exitCode: 2 });
  const files = listRepoFiles(root);
  return detectFrom(files);
}

export function detectFrom(files: RepoFiles): Facts {
  const warnings = files.unreadable.map((d) => `${d}/: cannot be read (permissions); skipped`);
  const apps: App[] = [...detectNodeApps(files), ...detectPythonApps(files)];
  return {
    root: files.root,
    isGitRepo: existsSync(resolve(files.root, '.git')),
    packageManager: detectPackageManager(files),
    workspaces: detectWorkspaces(files),
    apps: apps.sort((a, b) => a.dir.localeCompare(b.dir) || a.kind.localeCompare(b.kind)),
    container: detectContainer(files),
    warnings,
  };
}

/**
 * Writes a plan all at once, or not at all. Every new content is first written to a temp file
 * beside its target; only when all are staged are they renamed into place. If anything fails
 * (permission, disk full, a file that changed since it was read), every file already replaced is
 * restored and every file created is removed, so the repository is as it was.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync, statSync, chmodSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { FileChange } from './plan.js';
import { safeTarget } from './paths.js';
import { UserError } from './errors.js';

/** Test seam for failure injection: called before each filesystem step with its description. */
export type FaultHook = (step: 'stage' | 'commit', path: string) => void;

interface Staged {
  change: FileChange;
  abs: string;
  tmp: string;
  /** Original bytes, kept to restore. Null when the file is new. */
  original: Buffer | null;
  mode: number | null;
  createdDirs: string[];
  committed: boolean;
}

const UTF8_BOM = '\uFEFF';

export function applyChanges(root: string, changes: FileChange[], hook: FaultHook = () => {}): void {
  const staged: Staged[] = [];
  try {
    for (const change of changes) staged.push(stage(root, change, hook));
    for (const s of staged) {
      hook('commit', s.change.path);
      renameSync(s.tmp, s.abs);
      s.committed = true;
      if (s.mode !== null) chmodSync(s.abs, s.mode);
    }
  } catch (error) {
    rollback(staged);
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`writing failed (${code}: ${(error as Error).message}); nothing was changed`, { cause: error });
  }
}

function stage(root: string, change: FileChange, hook: FaultHook): Staged {
  const abs = safeTarget(root, change.path);
  const exists = existsSync(abs);
  const original = exists ? readFileSync(abs) : null;
  const onDisk = original === null ? null : stripBom(original.toString('utf8'));
  if (onDisk !== change.before) {
    throw new UserError('changed on disk while the tool was running; run it again', { file: change.path });
  }
  const createdDirs = makeDirs(root, dirname(abs));
  const s: Staged = { change, abs, tmp: join(dirname(abs), `.${basename(abs)}.cgs-${process.pid}.tmp`), original, mode: exists ? statSync(abs).mode & 0o7777 : null, createdDirs, committed: false };
  hook('stage', change.path);
  // Keep a BOM the file had: the plan works on text without it.
  const hadBom = original !== null && original.toString('utf8').startsWith(UTF8_BOM);
  writeFileSync(s.tmp, (hadBom ? UTF8_BOM : '') + change.after, { flag: 'wx' });
  return s;
}

function makeDirs(root: string, dir: string): string[] {
  const created: string[] = [];
  let cur = dir;
  while (cur.length > root.length && !existsSync(cur)) {
    created.unshift(cur);
    cur = dirname(cur);
  }
  for (const d of created) mkdirSync(d);
  return created;
}

function rollback(staged: Staged[]): void {
  for (const s of [...staged].reverse()) {
    try {
      if (s.committed) {
        if (s.original === null) rmSync(s.abs, { force: true });
        else writeFileSync(s.abs, s.original);
      } else {
        rmSync(s.tmp, { force: true });
      }
      for (const d of [...s.createdDirs].reverse()) rmSync(d, { recursive: false, force: true });
    } catch {
      // Best effort: keep restoring the others.
    }
  }
}

function stripBom(t: string): string {
  return t.startsWith(UTF8_BOM) ? t.slice(1) : t;
}

/**
 * Writes a plan all at once, or not at all. Every new content is first written to a temp file
 * beside its target; only when all are staged are they renamed into place. If anything fails
 * (permission, disk full, a file that changed since it was read), every file already replaced is
 * restored and every file created is removed, so the repository is as it was.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync, existsSync, statSync, chmodSync } from 'node:fs';
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
  /** Directories this change created, outermost first; removed again on rollback. */
  createdDirs: string[];
  tmpWritten: boolean;
  committed: boolean;
}

const UTF8_BOM = '\uFEFF';

export function applyChanges(root: string, changes: FileChange[], hook: FaultHook = () => {}): void {
  const staged: Staged[] = [];
  let current: string | null = null;
  try {
    for (const change of changes) {
      current = change.path;
      stage(root, change, hook, staged);
    }
    for (const s of staged) {
      current = s.change.path;
      hook('commit', s.change.path);
      renameSync(s.tmp, s.abs);
      s.committed = true;
    }
  } catch (error) {
    const unrestored = rollback(staged);
    // Rolling back can fail too (the disk that filled up): then say which files, never "nothing was changed".
    const outcome = unrestored.length ? `${unrestored.join(', ')} could not be restored (restore them from version control)` : 'nothing was changed';
    if (error instanceof UserError) {
      if (unrestored.length === 0) throw error;
      throw new UserError(`${error.message}; ${outcome}`, { cause: error });
    }
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const options = current === null ? { cause: error } : { cause: error, file: current };
    throw new UserError(`writing failed (${code}: ${reason(error, code)}); ${outcome}: ${ADVICE[code] ?? 'fix the cause and run again'}`, options);
  }
}

const ADVICE: Record<string, string> = {
  EACCES: 'make the repository writable for you and run again',
  EPERM: 'make the repository writable for you and run again',
  EROFS: 'the file system is read-only; run it on a writable copy',
  ENOSPC: 'free some disk space and run again',
  EDQUOT: 'free some disk space and run again',
};

/** Node's "EACCES: permission denied, open '/abs/.x.cgs-1-ab.tmp'" reduced to "permission denied" (the file is named separately). */
function reason(error: unknown, code: string): string {
  const message = firstLine(error instanceof Error ? error.message : String(error));
  return message.replace(new RegExp(`^${code}: `), '').replace(/, \w+ '[^']*'( -> '[^']*')?$/, '');
}

/** Checks, creates missing directories and writes the temp file; the entry is recorded first so rollback sees partial work. */
function stage(root: string, change: FileChange, hook: FaultHook, staged: Staged[]): void {
  const abs = safeTarget(root, change.path);
  const exists = existsSync(abs);
  const original = exists ? readFileSync(abs) : null;
  const onDisk = original === null ? null : stripBom(original.toString('utf8'));
  if (onDisk !== change.before) {
    throw new UserError('changed on disk while the tool was running; run it again', { file: change.path });
  }
  // A random part keeps a temp file left by a killed earlier run (same pid after a reboot) from blocking this one.
  const tmp = join(dirname(abs), `.${basename(abs)}.cgs-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const s: Staged = { change, abs, tmp, original, mode: exists ? statSync(abs).mode & 0o7777 : null, createdDirs: [], committed: false, tmpWritten: false };
  staged.push(s);
  makeDirs(root, dirname(abs), s.createdDirs);
  hook('stage', change.path);
  // Keep a BOM the file had: the plan works on text without it.
  const hadBom = original !== null && original.toString('utf8').startsWith(UTF8_BOM);
  s.tmpWritten = true;
  writeFileSync(tmp, (hadBom ? UTF8_BOM : '') + change.after, { flag: 'wx' });
  // The mode is set before the rename, so a replaced file is never visible with the wrong permissions.
  if (s.mode !== null) chmodSync(tmp, s.mode);
}

/** mkdir -p below root, recording each directory created (outermost first) as it is made. */
function makeDirs(root: string, dir: string, created: string[]): void {
  const missing: string[] = [];
  let cur = dir;
  while (cur.length > root.length && !existsSync(cur)) {
    missing.unshift(cur);
    cur = dirname(cur);
  }
  for (const d of missing) {
    mkdirSync(d);
    created.push(d);
  }
}

/** Undoes what was staged or committed, newest first; returns the repo paths it could not restore. */
function rollback(staged: Staged[]): string[] {
  const failed: string[] = [];
  for (const s of [...staged].reverse()) {
    try {
      if (s.committed) {
        if (s.original === null) rmSync(s.abs, { force: true });
        else writeFileSync(s.abs, s.original);
      } else if (s.tmpWritten) {
        rmSync(s.tmp, { force: true });
      }
    } catch {
      // Keep restoring the others; report this one.
      if (s.committed) failed.push(s.change.path);
    }
    for (const d of [...s.createdDirs].reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // Not empty (someone else wrote there) or already gone: leave it.
      }
    }
  }
  return failed;
}

function stripBom(t: string): string {
  return t.startsWith(UTF8_BOM) ? t.slice(1) : t;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/**
 * Writes a plan all at once, or not at all. Every new content is first written to a temp file
 * beside its target; only when all are staged are they renamed into place. If anything fails
 * (permission, disk full, a file that changed since it was read), every file already replaced is
 * restored and every file created is removed, so the repository is as it was. A journal
 * (./journal.ts) records the whole apply before the first temp file is written, so that a run
 * killed midway (SIGKILL, power loss) is finished or undone by the next one.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
  statSync,
  chmodSync,
} from 'node:fs';
import { dirname, basename, join, posix, relative, sep } from 'node:path';
import type { FileChange } from './plan.js';
import { safeTarget } from './paths.js';
import { UserError } from './errors.js';
import { JOURNAL_PATH, removeJournal, sha256Bytes, writeJournal, type Journal } from './journal.js';

/** Test seam for failure injection: called before each filesystem step with its description. */
export type FaultHook = (step: 'stage' | 'commit', path: string) => void;

interface Staged {
  change: FileChange;
  abs: string;
  tmp: string;
  /** The bytes the temp file gets (BOM restored). */
  bytes: Buffer;
  /** Original bytes, kept to restore. Null when the file is new. */
  original: Buffer | null;
  mode: number | null;
  /** Directories this change creates, outermost first; removed again on rollback. */
  dirsToCreate: string[];
  createdDirs: string[];
  tmpWritten: boolean;
  committed: boolean;
}

const UTF8_BOM = '\uFEFF';

export function applyChanges(root: string, changes: FileChange[], hook: FaultHook = () => {}): void {
  const staged: Staged[] = [];
  let current: string | null = null;
  let journaled = false;
  try {
    const planned = new Set<string>();
    for (const change of changes) {
      current = change.path;
      staged.push(prepare(root, change, planned));
    }
    current = JOURNAL_PATH;
    writeJournal(root, journalOf(root, staged, 'staging'));
    journaled = true;
    for (const s of staged) {
      current = s.change.path;
      stage(s, hook);
    }
    current = JOURNAL_PATH;
    writeJournal(root, journalOf(root, staged, 'committing'));
    for (const s of staged) {
      current = s.change.path;
      hook('commit', s.change.path);
      renameSync(s.tmp, s.abs);
      s.committed = true;
    }
    current = null;
    removeJournal(root);
  } catch (error) {
    handleFailure(root, staged, journaled, current, error);
  }
  removeStaleTemps(staged);
}

function handleFailure(root: string, staged: Staged[], journaled: boolean, current: string | null, error: unknown): never {
  const unrestored = rollback(staged);
  // Once rolled back, the journal describes nothing; after a failed restore it lets the next run retry.
  if (journaled && unrestored.length === 0) {
    try {
      removeJournal(root);
    } catch {
      // Left for the next run, which finds nothing to do with it but remove it.
    }
  }
  // Rolling back can fail too (the disk that filled up): then say which files, never "nothing was changed".
  const outcome = unrestored.length
    ? `${unrestored.join(', ')} could not be restored (restore them from version control)`
    : 'nothing was changed';
  if (error instanceof UserError) {
    if (unrestored.length === 0) throw error;
    throw new UserError(`${error.message}; ${outcome}`, { cause: error });
  }
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  const options = current === null ? { cause: error } : { cause: error, file: current };
  throw new UserError(
    `writing failed (${code}: ${reason(error, code)}); ${outcome}: ${ADVICE[code] ?? 'fix the cause and run again'}`,
    options,
  );
}

/**
 * Temp files beside this run's targets that a killed run of a version without the journal left
 * (`.<name>.cgs-<pid>-<hex>.tmp`, the pid no longer running): removed once this run has written.
 */
function removeStaleTemps(staged: Staged[]): void {
  const dirs = new Map<string, Set<string>>();
  for (const s of staged) {
    const names = dirs.get(dirname(s.abs)) ?? new Set<string>();
    names.add(basename(s.abs));
    dirs.set(dirname(s.abs), names);
  }
  for (const [dir, names] of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries) {
      const m = /^\.(.+)\.cgs-(\d+)-[0-9a-f]{8}\.tmp$/.exec(e);
      if (!m || !names.has(m[1] ?? '') || isRunning(Number(m[2]))) continue;
      try {
        rmSync(join(dir, e), { force: true });
      } catch {
        // Left as it was: it never blocks a run (temp names are random).
      }
    }
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function rel(root: string, abs: string): string {
  return relative(root, abs).split(sep).join(posix.sep);
}

function journalOf(root: string, staged: Staged[], phase: Journal['phase']): Journal {
  const dirs = [...new Set(staged.flatMap((s) => s.dirsToCreate))].map((d) => rel(root, d));
  return {
    tool: 'create-graceful-shutdown',
    phase,
    files: staged.map((s) => ({
      path: s.change.path,
      tmp: rel(root, s.tmp),
      sha256: sha256Bytes(s.bytes),
      original: s.original === null ? null : s.original.toString('base64'),
      mode: s.mode,
    })),
    dirs,
  };
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

/** Checks a change against the disk and decides its temp name; nothing is written yet. */
function prepare(root: string, change: FileChange, planned: Set<string>): Staged {
  const abs = safeTarget(root, change.path);
  const exists = existsSync(abs);
  const original = exists ? readFileSync(abs) : null;
  const onDisk = original === null ? null : stripBom(original.toString('utf8'));
  if (onDisk !== change.before) {
    throw new UserError('changed on disk while the tool was running; run it again', { file: change.path });
  }
  // A random part keeps a temp file left by a killed earlier run (same pid after a reboot) from blocking this one.
  const tmp = join(dirname(abs), `.${basename(abs)}.cgs-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  // Keep a BOM the file had: the plan works on text without it.
  const hadBom = original?.toString('utf8').startsWith(UTF8_BOM);
  const bytes = Buffer.from((hadBom ? UTF8_BOM : '') + change.after, 'utf8');
  const dirsToCreate = missingDirs(root, dirname(abs)).filter((d) => !planned.has(d));
  for (const d of dirsToCreate) planned.add(d);
  return {
    change,
    abs,
    tmp,
    bytes,
    original,
    mode: exists ? statSync(abs).mode & 0o7777 : null,
    dirsToCreate,
    createdDirs: [],
    committed: false,
    tmpWritten: false,
  };
}

/** Creates missing directories and writes the temp file; each step is recorded first so rollback sees partial work. */
function stage(s: Staged, hook: FaultHook): void {
  for (const d of s.dirsToCreate) {
    if (existsSync(d)) continue;
    mkdirSync(d);
    s.createdDirs.push(d);
  }
  hook('stage', s.change.path);
  // Checked again right before its temp file: someone may have changed it since the plan was checked.
  const now = existsSync(s.abs) ? readFileSync(s.abs) : null;
  if (now === null ? s.original !== null : s.original === null || !now.equals(s.original)) {
    throw new UserError('changed on disk while the tool was running; run it again', { file: s.change.path });
  }
  s.tmpWritten = true;
  writeFileSync(s.tmp, s.bytes, { flag: 'wx' });
  // The mode is set before the rename, so a replaced file is never visible with the wrong permissions.
  if (s.mode !== null) chmodSync(s.tmp, s.mode);
}

/** The directories below root that mkdir -p would create, outermost first. */
function missingDirs(root: string, dir: string): string[] {
  const missing: string[] = [];
  let cur = dir;
  while (cur.length > root.length && !existsSync(cur)) {
    missing.unshift(cur);
    cur = dirname(cur);
  }
  return missing;
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

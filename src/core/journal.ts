/**
 * The write journal, `.graceful-shutdown.journal` at the root: what an apply is about to do, kept
 * only while it runs. It is written before the first temp file and rewritten before the first
 * rename, and removed after the last one. A run killed in between (SIGKILL, power loss) leaves it
 * behind, and the next run reads it first: it finishes the renames when every new content is
 * there intact, or puts the old files back from the copies the journal holds. Either way the tree
 * ends up being the old one or the new one, byte for byte, and no temp file stays.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { safeTarget } from './paths.js';
import { UserError } from './errors.js';

export const JOURNAL_PATH = '.graceful-shutdown.journal';
const JOURNAL_TMP = `${JOURNAL_PATH}.tmp`;
const TOOL = 'create-graceful-shutdown';

export interface JournalFile {
  /** Repo-relative POSIX path of the target. */
  path: string;
  /** Repo-relative path of its temp file (same directory). */
  tmp: string;
  /** sha256 of the bytes the temp file holds (the new content). */
  sha256: string;
  /** The target's bytes before, base64; null when the file is created. */
  original: string | null;
  /** Permission bits to restore; null when created. */
  mode: number | null;
}

export interface Journal {
  tool: typeof TOOL;
  /** 'staging': temp files being written, nothing renamed; 'committing': renames under way. */
  phase: 'staging' | 'committing';
  files: JournalFile[];
  /** Repo-relative directories the apply creates, outermost first. */
  dirs: string[];
}

export function sha256Bytes(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Written through a fixed temp name and a rename, so a journal on disk is always whole. */
export function writeJournal(root: string, journal: Journal): void {
  const tmp = safeTarget(root, JOURNAL_TMP);
  writeFileSync(tmp, `${JSON.stringify(journal)}\n`);
  renameSync(tmp, safeTarget(root, JOURNAL_PATH));
}

export function removeJournal(root: string): void {
  rmSync(safeTarget(root, JOURNAL_PATH), { force: true });
  rmSync(safeTarget(root, JOURNAL_TMP), { force: true });
}

export function hasJournal(root: string): boolean {
  return existsSync(join(root, JOURNAL_PATH)) || existsSync(join(root, JOURNAL_TMP));
}

function invalid(detail: string): UserError {
  return new UserError(
    `not a journal this tool wrote (${detail}); if no run of create-graceful-shutdown is under way, restore the files from version control and delete it`,
    { file: JOURNAL_PATH },
  );
}

const TMP_NAME = /^\..+\.cgs-\d+-[0-9a-f]{8}\.tmp$/;

function parseJournal(text: string): Journal {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  const j = raw as Partial<Journal> | null;
  if (!j || j.tool !== TOOL || (j.phase !== 'staging' && j.phase !== 'committing') || !Array.isArray(j.files) || !Array.isArray(j.dirs))
    throw invalid('wrong shape');
  for (const f of j.files) {
    const ok =
      typeof f?.path === 'string' &&
      typeof f.tmp === 'string' &&
      posix.dirname(f.tmp) === posix.dirname(f.path) &&
      TMP_NAME.test(posix.basename(f.tmp)) &&
      typeof f.sha256 === 'string' &&
      (f.original === null || typeof f.original === 'string') &&
      (f.mode === null || typeof f.mode === 'number');
    if (!ok) throw invalid('a file entry is malformed');
  }
  if (!j.dirs.every((d) => typeof d === 'string')) throw invalid('a directory entry is malformed');
  return j as Journal;
}

export interface Recovery {
  /** 'finished': the interrupted apply was completed; 'undone': the old files were put back. */
  outcome: 'finished' | 'undone';
  files: string[];
}

function hashOf(abs: string): string | null {
  try {
    if (!lstatSync(abs).isFile()) return null;
    return sha256Bytes(readFileSync(abs));
  } catch {
    return null;
  }
}

/**
 * Finishes or undoes an apply a killed run left behind; null when there is none. Throws a
 * UserError naming the journal when a file has changed since in a way neither outcome explains.
 */
export function recoverInterrupted(root: string): Recovery | null {
  const journalAbs = safeTarget(root, JOURNAL_PATH);
  if (!existsSync(journalAbs)) {
    // Killed while writing the journal itself: nothing else was touched yet.
    rmSync(safeTarget(root, JOURNAL_TMP), { force: true });
    return null;
  }
  const journal = parseJournal(readFileSync(journalAbs, 'utf8'));
  const files = journal.files.map((f) => {
    const abs = safeTarget(root, f.path);
    const tmp = safeTarget(root, f.tmp);
    const target = hashOf(abs);
    const original = f.original === null ? null : sha256Bytes(Buffer.from(f.original, 'base64'));
    return {
      f,
      abs,
      tmp,
      committed: target === f.sha256,
      pending: target !== f.sha256 && hashOf(tmp) === f.sha256,
      untouched: target === original,
    };
  });
  const forward = journal.phase === 'committing' && files.every((x) => x.committed || (x.pending && x.untouched));
  if (!forward) {
    const foreign = files.find((x) => !x.committed && !x.untouched);
    if (foreign)
      throw new UserError(
        `an interrupted run left this journal, and ${foreign.f.path} has changed since; restore the files from version control, delete ${JOURNAL_PATH} and run again`,
        { file: JOURNAL_PATH },
      );
  }
  for (const x of files) {
    if (forward) {
      if (x.pending) renameSync(x.tmp, x.abs);
      continue;
    }
    if (x.committed) {
      if (x.f.original === null) rmSync(x.abs, { force: true });
      else {
        writeFileSync(x.abs, Buffer.from(x.f.original, 'base64'));
        if (x.f.mode !== null) chmodSync(x.abs, x.f.mode);
      }
    }
    rmSync(x.tmp, { force: true });
  }
  if (!forward) {
    for (const d of [...journal.dirs].reverse()) {
      try {
        rmdirSync(safeTarget(root, d));
      } catch {
        // Not empty or already gone: leave it.
      }
    }
  }
  removeJournal(root);
  return { outcome: forward ? 'finished' : 'undone', files: journal.files.map((f) => f.path) };
}

/**
 * A journal left by a run that was killed while writing: finished or undone before anything is
 * read, so detection never sees half a change. --check and --dry-run write nothing, so they stop.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { hasJournal, JOURNAL_PATH, type Recovery, recoverInterrupted } from '../core/journal.js';
import type { EngineOptions } from './types.js';

export function recoverEarlierRun(opts: Pick<EngineOptions, 'dir' | 'check' | 'dryRun'>): Recovery | null {
  const root = resolve(opts.dir);
  if (!existsSync(root) || !statSync(root).isDirectory() || !hasJournal(root)) return null;
  if (opts.check || opts.dryRun) {
    throw new UserError(
      `an earlier run was interrupted while writing; run create-graceful-shutdown without ${opts.check ? '--check' : '--dry-run'} to finish or undo it`,
      { file: JOURNAL_PATH },
    );
  }
  return recoverInterrupted(root);
}

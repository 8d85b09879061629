/**
 * Where --report may write. The report is not part of the plan, so it gets the plan's guarantees
 * here, checked before anything is written: never a file the plan touches (the entrypoint, the
 * manifest), never through a symlink, never over a file in the repository that is not a report
 * this tool wrote earlier (a tracked file, uncommitted work); with --dry-run, nowhere in the
 * repository at all. Outside the repository any path is allowed, except through a final symlink.
 */
import { closeSync, constants, existsSync, lstatSync, openSync, readFileSync, realpathSync, writeSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { UsageError, UserError } from '../core/errors.js';
import type { Plan } from '../core/plan.js';
import { safeTarget } from '../core/paths.js';
import { JOURNAL_PATH } from '../core/journal.js';
import { MANIFEST_PATH } from '../upgrade/manifest.js';

/** How every report starts (src/upgrade/report.ts): a file that does is one this tool wrote. */
const REPORT_HEADING = '## Graceful shutdown (create-graceful-shutdown ';

function inside(root: string, abs: string): string | null {
  const back = relative(root, abs);
  if (back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back)) return back === '' ? '' : null;
  return back.split(sep).join('/');
}

/** The deepest existing ancestor, resolved through links, with the rest appended. */
function realish(abs: string): string {
  let cur = abs;
  const rest: string[] = [];
  while (!existsSync(cur) && dirname(cur) !== cur) {
    rest.unshift(cur.slice(dirname(cur).length + 1));
    cur = dirname(cur);
  }
  try {
    return resolve(realpathSync(cur), ...rest);
  } catch {
    return abs;
  }
}

/** The absolute path --report will write, or a UsageError saying why not and what to give instead. */
export function reportTarget(given: string, root: string, plan: Plan, dryRun: boolean): string {
  const abs = resolve(given);
  const realRoot = realish(root);
  const rel = inside(root, abs) ?? inside(realRoot, realish(abs));
  if (rel === null) {
    if (existsSync(abs) || isLink(abs)) {
      const st = lstatSync(abs);
      if (st.isSymbolicLink())
        throw new UsageError(`--report: ${given} is a symlink, which the tool never writes through; give the path of a regular file`);
      if (!st.isFile()) throw new UsageError(`--report: ${given} is not a regular file; give the path of a file`);
    }
    return abs;
  }
  if (dryRun)
    throw new UsageError(
      `--report: ${given} is inside the repository, and --dry-run writes nothing there; give a path outside it (e.g. /tmp/graceful-shutdown.md)`,
    );
  if (rel === '') throw new UsageError(`--report: ${given} is the repository itself; give the path of a file`);
  try {
    safeTarget(inside(root, abs) === null ? realRoot : root, rel);
  } catch (error) {
    if (error instanceof UserError)
      throw new UsageError(`--report: ${given} goes through a symlink, which the tool never writes through; give another path`);
    throw error;
  }
  const touched = new Set([...plan.planned().map((c) => c.path), MANIFEST_PATH, JOURNAL_PATH]);
  if (touched.has(rel))
    throw new UsageError(
      `--report: ${given} is a file this run ${rel === MANIFEST_PATH || rel === JOURNAL_PATH ? 'keeps its records in' : 'changes'}; give another path (e.g. graceful-shutdown-report.md)`,
    );
  if (existsSync(abs)) {
    if (!lstatSync(abs).isFile()) throw new UsageError(`--report: ${given} is not a regular file; give the path of a file`);
    if (!isEarlierReport(abs))
      throw new UsageError(
        `--report: ${given} already exists and is not a report this tool wrote; give a new path, or move that file away`,
      );
  }
  return abs;
}

function isLink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

function isEarlierReport(abs: string): boolean {
  try {
    return readFileSync(abs, 'utf8').startsWith(REPORT_HEADING);
  } catch {
    return false;
  }
}

/** Writes without following a link that appeared at the last moment. */
export function writeReportFile(abs: string, given: string, text: string, dryRun: boolean): void {
  let fd: number | null = null;
  try {
    fd = openSync(abs, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    writeSync(fd, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(
      `--report: cannot write ${given} (${code}); give a writable path${dryRun ? '' : ' (the repository changes were written)'}`,
      { cause: error },
    );
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

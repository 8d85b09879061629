/**
 * Files the tool needs but cannot use, named in one line. An entrypoint that is not UTF-8 text
 * would otherwise make its app look like one that serves nothing ("Nothing to do"), and a
 * symlinked or undecodable source directory would give only "found no app".
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { Facts } from '../detect/facts.js';
import { listRepoFiles, MAX_READ_BYTES } from '../detect/files.js';
import { isTreatable } from '../questions.js';
import { UserError } from '../core/errors.js';

/** Why a file is not UTF-8 text, in a few words; null when it is. */
export function whyNotText(abs: string): string | null {
  let buf: Buffer;
  try {
    const st = lstatSync(abs);
    if (!st.isFile()) return 'it is not a regular file';
    if (st.size > MAX_READ_BYTES) return `it is over ${MAX_READ_BYTES / 1024 / 1024} MB`;
    buf = readFileSync(abs);
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: check its permissions)`;
  }
  if ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)) return 'it is UTF-16';
  const nul = buf.indexOf(0);
  if (nul !== -1) return `it holds a NUL byte at offset ${nul} (binary or UTF-16?)`;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return null;
  } catch {
    const at = firstInvalid(buf);
    return `byte 0x${(buf[at] ?? 0).toString(16).toUpperCase().padStart(2, '0')} at offset ${at} is not UTF-8 (Latin-1 or another encoding?)`;
  }
}

function firstInvalid(buf: Buffer): number {
  const d = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = buf.length;
  // The shortest prefix that fails to decode ends at the bad byte (a cut sequence decodes as bad too).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      d.decode(buf.subarray(0, mid + 1));
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  // Step back to the start of the sequence the bad byte is in.
  let at = Math.min(lo, buf.length - 1);
  while (at > 0 && ((buf[at] ?? 0) & 0xc0) === 0x80 && lo - at < 3) at--;
  return at;
}

/**
 * Refuses (one line naming the file) when the entrypoint of an app that may be treated is not
 * UTF-8 text. `apps`: the dirs the user picked with --apps, or null for "every app".
 */
export function checkEntrypointsReadable(facts: Facts, apps: readonly string[] | null): void {
  const several = facts.apps.filter(isTreatable).length > 1;
  for (const app of facts.apps) {
    if (!app.entrypoint || (apps !== null && !apps.includes(app.dir))) continue;
    const why = whyNotText(join(facts.root, app.entrypoint.path));
    if (why === null) continue;
    const fix = why.startsWith('it cannot be read') ? 'make it readable and run again' : 'save it as UTF-8 and run again';
    throw new UserError(
      `cannot be read as UTF-8 text: ${why}, so what it runs cannot be told; ${fix}${several ? ', or leave its app out with --apps' : ''}`,
      { file: app.entrypoint.path },
    );
  }
}

const CODE = /\.(py|[cm]?js|[cm]?ts|jsx|tsx)$/;

/** What to add to "found no app": source files that are not UTF-8 text, and symlinks that were not followed. */
export function noAppHints(root: string): string {
  const files = listRepoFiles(root);
  const hints: string[] = [];
  const bad = files.list.filter((p) => CODE.test(p) && p.split('/').length <= 4 && files.read(p) === null).slice(0, 3);
  for (const p of bad) hints.push(`${p} cannot be read as UTF-8 text (${whyNotText(join(root, p)) ?? 'unreadable'}): save it as UTF-8`);
  const links = files.symlinks.filter((p) => !posix.basename(p).startsWith('.')).slice(0, 3);
  for (const p of links)
    hints.push(
      `'${p}' is a symlink, which the tool never follows: replace it with the real ${isDirLink(join(root, p)) ? 'directory' : 'file'}`,
    );
  return hints.length ? `; ${hints.join('; ')}` : '';
}

function isDirLink(abs: string): boolean {
  try {
    return statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

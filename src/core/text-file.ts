/** Reading a file as editable text: a regular UTF-8 file without NUL bytes, under a size limit; anything else is null. */
import { lstatSync, readFileSync } from 'node:fs';

/** Files larger than this are never code we edit; reading them would only cost time and memory. */
export const MAX_READ_BYTES = 2 * 1024 * 1024;

/** The text of the file at `abs` (a leading BOM dropped), or null when it is absent, not a file, binary, not UTF-8 or over `limit`. */
export function readText(abs: string, limit = MAX_READ_BYTES): string | null {
  try {
    const st = lstatSync(abs);
    if (!st.isFile() || st.size > limit) return null;
    const buf = readFileSync(abs);
    if (buf.includes(0)) return null;
    const text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return null;
  }
}

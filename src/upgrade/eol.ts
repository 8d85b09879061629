/**
 * Line endings. Hashes and merges work on LF text, so a checkout with `core.autocrlf=true` (CRLF
 * on disk, LF in git) never looks like an edit; what is written keeps the ending the file had.
 */
import { diffArrays } from 'diff';

export function lf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Whether most line breaks of the text are CRLF. */
export function usesCrlf(text: string): boolean {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const all = text.match(/\n/g)?.length ?? 0;
  return crlf > 0 && crlf * 2 >= all;
}

/** The text with the line endings of `like` (LF text unchanged when `like` uses LF). */
export function endingsOf(like: string, text: string): string {
  return usesCrlf(like) ? lf(text).replace(/\n/g, '\r\n') : text;
}

/** Lines with their endings ('a\n', 'b\r\n', and a last line without one). */
function rawLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function key(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/**
 * `result` (LF text, e.g. a merge of LF-normalised texts) with the line endings of `like`: every
 * line that `like` has keeps its own ending byte for byte (a single CRLF line in an LF file
 * included), and new lines get the ending most of `like` uses.
 */
export function withEndingsOf(like: string, result: string): string {
  if (!like.includes('\r')) return result;
  const eol = usesCrlf(like) ? '\r\n' : '\n';
  const from = rawLines(like);
  const to = rawLines(result);
  const out: string[] = [];
  let i = 0;
  for (const part of diffArrays(from.map(key), to.map(key))) {
    const n = part.count ?? part.value.length;
    if (part.removed) {
      i += n;
      continue;
    }
    for (let k = 0; k < n; k++) {
      const line = to[out.length] ?? '';
      const ended = line.endsWith('\n');
      if (part.added) out.push(ended ? `${key(line)}${eol}` : line);
      else {
        const mine = from[i + k] ?? line;
        // The last line may have lost or gained its ending in the result: follow the result there.
        out.push(ended === mine.endsWith('\n') ? mine : ended ? `${key(line)}${eol}` : key(line));
      }
    }
    if (!part.added) i += n;
  }
  return out.join('');
}

/**
 * Byte-preserving text edits: everything outside the spliced ranges stays exactly as it was,
 * which is how comments, heredocs and the user's formatting survive our edits.
 */

export interface Splice {
  /** Start offset (inclusive). */
  start: number;
  /** End offset (exclusive); equal to start for an insertion. */
  end: number;
  text: string;
}

/** Apply splices to source. Insertions at the same offset keep the order they were given in. */
export function applySplices(source: string, splices: readonly Splice[]): string {
  const ordered = splices.map((s, index) => ({ ...s, index })).sort((a, b) => a.start - b.start || a.end - b.end || a.index - b.index);
  let out = '';
  let cursor = 0;
  for (const s of ordered) {
    if (s.start < cursor) throw new Error(`overlapping edits at offset ${s.start}`);
    out += source.slice(cursor, s.start) + s.text;
    cursor = s.end;
  }
  return out + source.slice(cursor);
}

/** The file's line ending: CRLF when the file uses it, else LF. */
export function detectEol(source: string): '\r\n' | '\n' {
  return source.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Offsets of the start of each line, with the same line breaks the Dockerfile parser
 * (vscode TextDocument) uses: \r\n, \n and a lone \r.
 */
export function lineStarts(source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (ch === 13 /* \r */) {
      if (source.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (ch === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** Offset of the start of the line after `line` (or the end of the source). */
export function offsetAfterLine(starts: readonly number[], line: number, sourceLength: number): number {
  return starts[line + 1] ?? sourceLength;
}

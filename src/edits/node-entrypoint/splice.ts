/**
 * Text edits computed from node positions and applied to the original text, so every line we
 * do not touch stays byte-identical (no printer, no formatText()).
 */
export interface Splice {
  start: number;
  end: number;
  text: string;
  /** Among insertions at one position, lower goes first (default 1). */
  priority?: number;
}

/** Applies non-overlapping splices; insertions at one position go by priority, then their order, and before a replacement starting there. */
export function applySplices(source: string, splices: readonly Splice[]): string {
  const ordered = splices
    .map((s, i) => ({ ...s, i }))
    .sort(
      (a, b) =>
        a.start - b.start ||
        (a.end - a.start === 0 ? 0 : 1) - (b.end - b.start === 0 ? 0 : 1) ||
        (a.priority ?? 1) - (b.priority ?? 1) ||
        a.i - b.i,
    );
  let out = '';
  let at = 0;
  for (const s of ordered) {
    if (s.start < at) throw new Error(`overlapping edits at ${s.start}`);
    out += source.slice(at, s.start) + s.text;
    at = s.end;
  }
  return out + source.slice(at);
}

/**
 * The one result every pure edit of an existing file returns (src/edits/**), so that the generators
 * turn any edit into plan edits and notes the same way (generators/edit-actions.ts), and a test can
 * check every edit against one shape (test/architecture/edit-contract.test.ts).
 *
 * Nothing throws for "unsafe to edit": the edit gives `text: false` and says why in `refused`.
 * A thrown UserError is left for input that is wrong in itself (options the edit cannot honour).
 */

export type EditNoteLevel = 'info' | 'warn';

/** Something the user should read about the edit: what was left as written, what we could not fix. */
export interface EditNote {
  level: EditNoteLevel;
  message: string;
}

/** Why the file was left alone, and what to do by hand. */
export interface EditRefusal {
  reason: string;
  /** 1-based line the reason is about, when there is one. */
  line?: number;
  /** The exact lines to add by hand, when the edit knows them. */
  manual?: string[];
  /** Where those lines go ("after the line that creates the app"). */
  where?: string;
}

interface EditOutcome {
  /** The edited text, or false when nothing changes (already done, or refused). */
  text: string | false;
  /** In the order the plan shows them. */
  notes: EditNote[];
  /** Only with `text: false`. */
  refused?: EditRefusal;
}

/**
 * `data`: what else the edit learned and its caller needs (the Dockerfile stage it patched, the
 * compose services it changed), one typed field; absent for edits that have nothing more to say.
 */
export type EditResult<D = undefined> = EditOutcome & ([D] extends [undefined] ? { data?: undefined } : { data: D });

/** A pure edit of an existing file, with its input beyond the source. */
export type Edit<O, D = undefined> = (source: string, options: O) => EditResult<D>;

export function note(level: EditNoteLevel, message: string): EditNote {
  return { level, message };
}

export function refused(refusal: EditRefusal): EditResult {
  return { text: false, notes: [], refused: refusal };
}

/** Why `value` is not an EditResult, or null when it is one: the contract checked at run time. */
export function editResultProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const r = value as Record<string, unknown>;
  const known = new Set(['text', 'notes', 'refused', 'data']);
  const extra = Object.keys(r).filter((k) => !known.has(k));
  if (extra.length) return `unknown fields: ${extra.join(', ')}`;
  if (r['text'] !== false && typeof r['text'] !== 'string') return 'text is neither a string nor false';
  if (!Array.isArray(r['notes'])) return 'notes is not an array';
  for (const n of r['notes'] as unknown[]) {
    const o = n as Record<string, unknown> | null;
    if (typeof o !== 'object' || o === null) return 'a note is not an object';
    if (o['level'] !== 'info' && o['level'] !== 'warn') return `a note's level is ${String(o['level'])}`;
    if (typeof o['message'] !== 'string' || o['message'] === '') return 'a note has no message';
    if (Object.keys(o).some((k) => k !== 'level' && k !== 'message')) return 'a note has unknown fields';
  }
  if (r['refused'] === undefined) return null;
  if (r['text'] !== false) return 'refused with a text';
  const f = r['refused'] as Record<string, unknown> | null;
  if (typeof f !== 'object' || f === null || typeof f['reason'] !== 'string' || f['reason'] === '') return 'refused without a reason';
  if (f['line'] !== undefined && (!Number.isInteger(f['line']) || (f['line'] as number) < 1)) return 'refused line is not a line number';
  if (f['manual'] !== undefined && !(Array.isArray(f['manual']) && f['manual'].every((l) => typeof l === 'string'))) {
    return 'refused manual is not a list of lines';
  }
  if (f['where'] !== undefined && typeof f['where'] !== 'string') return 'refused where is not a string';
  return null;
}

/** The messages of one level, in order. */
export function messagesOf(result: { notes: readonly EditNote[] }, level: EditNoteLevel): string[] {
  return result.notes.filter((n) => n.level === level).map((n) => n.message);
}

/**
 * The one way a generator turns an edit's result (core/edit-result.ts) into plan actions: the edit
 * when there is a text, then its notes in order, each about the edited file. The plan's edit reuses
 * the result it was given for the same source (see edit-memo.ts), so the edit runs once.
 */
import type { EditNote, EditResult } from '../core/edit-result.js';
import { UserError } from '../core/errors.js';
import type { PlanAction } from './types.js';

export interface EditActionsInput<D> {
  path: string;
  /** The result for the file's current text. */
  result: EditResult<D>;
  /** The same edit, for the text the plan holds when it applies it. */
  edit: (source: string) => EditResult<D>;
  reason: string;
  needs?: string[];
  /**
   * Plan the edit even when it changes nothing: the plan then records the file as a no-op, and the
   * upgrade manifest keeps listing it as edited on re-runs.
   */
  evenUnchanged?: boolean;
}

export function editActions<D>(input: EditActionsInput<D>): PlanAction[] {
  return [...planEditOf(input), ...notesOf(input.path, input.result)];
}

/** The plan's edit alone, for a generator that says something of its own between it and the notes. */
export function planEditOf<D>(input: EditActionsInput<D>): PlanAction[] {
  const { path, result, edit } = input;
  if (result.text === false && (input.evenUnchanged !== true || result.refused)) return [];
  const needs = input.needs === undefined ? {} : { needs: input.needs };
  return [{ type: 'plan-edit', path, edit: (source) => edit(source).text, reason: input.reason, ...needs }];
}

/** The result's notes as plan notes about `path`. */
export function notesOf(path: string, result: { notes: readonly EditNote[] }): PlanAction[] {
  return result.notes.map((n): PlanAction => ({ type: 'plan-note', level: n.level, message: n.message, file: path }));
}

/**
 * The text of a result whose refusal stops the run (gunicorn.conf.py: the workers' timeout cannot be
 * left unset), as the UserError the CLI prints, about `file`.
 */
export function textOrStop<D>(result: EditResult<D>, file: string): string | false {
  if (result.refused) throw new UserError(result.refused.reason, { file });
  return result.text;
}

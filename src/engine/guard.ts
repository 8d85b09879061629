/**
 * The git guard: a run must not mix its changes into the user's unsaved work, or they could no
 * longer tell them apart nor undo only the tool's. --force overrides, with a warning.
 */
import type { Plan } from '../core/plan.js';
import { UserError } from '../core/errors.js';
import type { EnginePorts } from './types.js';

/** Refuses (one error line, nothing written) when a file to change has uncommitted changes. */
export function guardUncommitted(root: string, plan: Plan, force: boolean, gitState: EnginePorts['gitState']): void {
  const paths = plan.changes().map((c) => c.path);
  const state = gitState(root, paths);
  if (state.kind === 'repo') {
    if (state.dirty.length && !force) {
      throw new UserError(
        `refusing to change files with uncommitted changes: ${state.dirty.join(', ')} (commit or stash them first, or pass --force)`,
      );
    }
    if (state.dirty.length) plan.note('warn', `changed despite uncommitted changes (--force): ${state.dirty.join(', ')}`);
    return;
  }
  plan.note(
    'warn',
    state.kind === 'no-git'
      ? 'git not found: could not check the files for uncommitted changes'
      : 'not a git repository: could not check the files for uncommitted changes; keep a copy to compare or undo',
  );
}

/**
 * Wires the generated signal_handlers.py into a Python app's entry module (part 'entrypoint'):
 * the import plus setup_signal_handlers(), or for FastAPI/Starlette the lifespan hook-up. When the
 * edit cannot be done safely (or the app runs under a server that owns its signals and no hook
 * exists), the plan gets a warning with the exact lines to add by hand and where, not an error.
 */
import type { PythonApp } from '../detect/facts.js';
import { jobLoopNote, wirePythonEntrypoint as wirePythonEntrypointFresh } from '../edits/python-entrypoint.js';
import { pythonModuleLocation } from './python-wiring.js';
import { projectSpecifiers, requiresAtLeast } from './python-versions.js';
import { leftAloneNote, pythonShutdownMode, wireOptionsFor, type ModeDecision } from './python-wiring.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';
import { memoizedEdit } from './edit-memo.js';
import { editActions } from './edit-actions.js';
import type { EditRefusal } from '../core/edit-result.js';

const wirePythonEntrypoint = memoizedEdit(wirePythonEntrypointFresh);

export { requiresAtLeast, pythonShutdownMode, wireOptionsFor, type ModeDecision };

function pythonApp(ctx: GeneratorContext): PythonApp | null {
  return ctx.app.kind === 'python' ? ctx.app : null;
}

function manualNote(path: string, e: EditRefusal): PlanAction {
  const at = e.line === undefined ? path : `${path}:${e.line}`;
  const lines = (e.manual ?? []).map((l) => `    ${l}`).join('\n');
  return {
    type: 'plan-note',
    level: 'warn',
    file: path,
    message: `${at}: not wired automatically (${e.reason}). Add by hand ${e.where}:\n${lines}`,
  };
}

export const pythonEntrypointGenerator: ArtifactGenerator = {
  name: 'python-entrypoint',
  part: 'entrypoint',
  description: 'Wire signal_handlers.py into the Python entry module (setup call, or the ASGI lifespan hook-up)',

  appliesTo(ctx) {
    return pythonApp(ctx)?.entrypoint != null;
  },

  actions(ctx) {
    const app = pythonApp(ctx);
    const path = app?.entrypoint?.path;
    if (!app || !path) return [];
    const options = wireOptionsFor(app, ctx.answers.timeoutMs, projectSpecifiers(app));
    if ('reason' in options) {
      if (options.silent) return [];
      return [{ type: 'plan-note', level: 'warn', file: path, message: `${path}: not wired: ${options.reason}.` }];
    }
    // A job loop it cannot make stop between jobs: the program is left as it is, how it stops included.
    const alone = leftAloneNote(ctx);
    if (alone) return [alone];
    const source = ctx.current(path);
    if (source === null) {
      return [{ type: 'plan-note', level: 'warn', file: path, message: `${path}: not wired: the file does not exist.` }];
    }
    // Try the edit now: a refusal becomes a note with the lines to add, instead of failing the run.
    const result = wirePythonEntrypoint(source, options);
    if (result.refused) return [manualNote(path, result.refused)];
    const reason = options.mode === 'asgi' ? 'run shutdown handlers from the app lifespan' : 'call setup_signal_handlers()';
    const actions = editActions({
      path,
      result,
      edit: (text) => wirePythonEntrypoint(text, options),
      reason,
      needs: app.entrypoint ? [pythonModuleLocation(app.entrypoint).path] : [],
      evenUnchanged: true,
    });
    // Said once, when the module gets wired: a job loop the edit could not make stop between jobs.
    const loop = result.text === false ? null : jobLoopNote(result.text, options);
    if (loop) actions.push({ type: 'plan-note', level: 'warn', file: path, message: loop.message });
    return actions;
  },
};

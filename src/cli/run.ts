/** A full run: detect, resolve answers, plan, print, confirm, write. */
import type { Options } from './args.js';
import type { Io } from './main.js';
import { detect } from '../detect/index.js';
import { resolveAnswers } from './answers.js';
import { askQuestion, confirm } from './prompt.js';
import { buildPlan } from '../pipeline.js';
import { planReader } from '../core/read.js';
import { applyChanges } from '../core/apply.js';
import { unifiedDiff } from '../core/diff.js';
import { describeFacts, describePlan } from './summary.js';
import { UserError } from '../core/errors.js';

export async function run(opts: Options, io: Io, _version: string): Promise<number> {
  const facts = detect(opts.dir);
  io.stdout(describeFacts(facts).join('\n'));
  if (!facts.apps.some((a) => a.kind === 'python' ? a.entrypoint : a.entrypoint || a.devServer)) {
    throw new UserError(`${opts.dir}: found no Node or Python app with an entrypoint (looked for package.json start/main, pyproject.toml, requirements.txt); run it in the app's repository`);
  }
  const answers = await resolveAnswers(facts, opts.answers, null, io.interactive ? askQuestion : null);
  const plan = await buildPlan(facts, answers, planReader(facts.root));
  const changes = plan.changes();
  const summary = describePlan(changes, plan.notes);
  if (summary.length) io.stdout(summary.join('\n'));
  if (changes.length === 0) {
    io.stdout('Nothing to do: everything is already in place.');
    return 0;
  }
  if (opts.dryRun) {
    io.stdout(changes.map(unifiedDiff).join('\n'));
    io.stdout('Dry run: nothing was written.');
    return 0;
  }
  if (io.interactive && changes.some((c) => c.before !== null)) {
    io.stdout(changes.filter((c) => c.before !== null).map(unifiedDiff).join('\n'));
    if (!(await confirm(`Apply these ${changes.length} changes?`))) {
      io.stdout('Nothing was written.');
      return 0;
    }
  }
  applyChanges(facts.root, changes);
  io.stdout(`Done: ${changes.length} file${changes.length === 1 ? '' : 's'} written.`);
  return 0;
}

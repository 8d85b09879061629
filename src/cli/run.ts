/**
 * A full run: detect, resolve answers (recorded ones from the upgrade manifest included), plan,
 * reconcile with the previous run, then --check, or print, confirm and write.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Options } from './args.js';
import type { Io } from './main.js';
import { detect } from '../detect/index.js';
import { resolveAnswers } from './answers.js';
import { askQuestion, confirm } from './prompt.js';
import { buildPlan } from '../pipeline.js';
import type { Plan } from '../core/plan.js';
import { planReader } from '../core/read.js';
import { applyChanges } from '../core/apply.js';
import { unifiedDiff } from '../core/diff.js';
import { setTemplatesDir } from '../core/render.js';
import { describeFacts, describePlan } from './summary.js';
import { UserError } from '../core/errors.js';
import { isTreatable } from '../questions.js';
import { MANIFEST_PATH, readManifest, serializeManifest } from '../upgrade/manifest.js';
import { reconcile, type Reconciled } from '../upgrade/reconcile.js';
import { checkFindings, describeFindings } from '../upgrade/check.js';
import { conflictPaths, describeUpgrade } from '../upgrade/describe.js';
import { uncommitted } from '../upgrade/git.js';
import { reportMarkdown } from '../upgrade/report.js';

export async function run(opts: Options, io: Io, version: string): Promise<number> {
  // Test seam (not in --help): another template set, searched before the built-in one.
  const templatesOverride = process.env['CGS_TEMPLATES_DIR'];
  if (templatesOverride) setTemplatesDir(resolve(templatesOverride));

  const facts = detect(opts.dir);
  io.stdout(describeFacts(facts).join('\n'));
  if (!facts.apps.some(isTreatable)) {
    throw new UserError(`${opts.dir}: found no Node or Python app with an entrypoint (looked for package.json start/main, pyproject.toml, requirements.txt); run it in the app's repository`);
  }
  const read = planReader(facts.root);
  const previous = readManifest(read);
  const recorded = previous?.answers ?? null;
  // --check is for CI: never ask.
  const answers = await resolveAnswers(facts, opts.answers, recorded, io.interactive && !opts.check ? askQuestion : null, opts.reconfigure);
  const plan = await buildPlan(facts, answers, read);
  const upgrade = reconcile(plan, previous, { version, answers });
  if (opts.check) return check(upgrade, io);

  if (previous !== null || plan.planned().length > 0) {
    plan.write(MANIFEST_PATH, serializeManifest(upgrade.manifest), 'record of generated files, for upgrades', 'internal');
  }
  const changes = plan.changes();
  if (changes.length > 0 && !opts.dryRun) guardUncommitted(facts.root, plan, opts.force);

  const summary = [...describeUpgrade(upgrade), ...describePlan(changes, plan.notes)];
  if (summary.length) io.stdout(summary.join('\n'));
  if (changes.length === 0) {
    io.stdout('Nothing to do: everything is already in place.');
    writeReport(opts, plan, upgrade, version, answers);
    return finish(upgrade, io);
  }
  // The manifest's diff repeats the generated files' diffs: listed in the plan, never printed as a diff.
  const reviewed = changes.filter((c) => plan.kindOf(c.path) !== 'internal');
  if (opts.dryRun) {
    io.stdout(reviewed.map(unifiedDiff).join('\n'));
    io.stdout('Dry run: nothing was written.');
    writeReport(opts, plan, upgrade, version, answers);
    return 0;
  }
  if (io.interactive && reviewed.some((c) => c.before !== null)) {
    io.stdout(reviewed.filter((c) => c.before !== null).map(unifiedDiff).join('\n'));
    if (!(await confirm(`Apply these ${changes.length} changes?`))) {
      io.stdout('Nothing was written.');
      return 0;
    }
  }
  applyChanges(facts.root, changes);
  io.stdout(`Done: ${changes.length} file${changes.length === 1 ? '' : 's'} written.`);
  writeReport(opts, plan, upgrade, version, answers);
  return finish(upgrade, io);
}

/** Exit 1 while any generated file holds conflict markers (new ones or ones left from an earlier run). */
function finish(upgrade: Reconciled, io: Io): number {
  const conflicts = conflictPaths(upgrade);
  if (conflicts.length === 0) return 0;
  io.stderr(`create-graceful-shutdown: merge conflicts in ${conflicts.join(', ')}: resolve the <<<<<<< markers, then run again`);
  return 1;
}

function check(upgrade: Reconciled, io: Io): number {
  const findings = checkFindings(upgrade);
  if (findings.length === 0) {
    io.stdout('Check: every generated file and edit is present and current.');
    return 0;
  }
  io.stdout(['Check: not current (run create-graceful-shutdown to update):', ...describeFindings(findings)].join('\n'));
  return 1;
}

/** Refuses (one error line, nothing written) when a file to change has uncommitted changes; --force overrides. */
function guardUncommitted(root: string, plan: Plan, force: boolean): void {
  const paths = plan.changes().map((c) => c.path);
  const state = uncommitted(root, paths);
  if (state.kind === 'repo') {
    if (state.dirty.length && !force) {
      throw new UserError(`refusing to change files with uncommitted changes: ${state.dirty.join(', ')} (commit or stash them first, or pass --force)`);
    }
    if (state.dirty.length) plan.note('warn', `changed despite uncommitted changes (--force): ${state.dirty.join(', ')}`);
    return;
  }
  plan.note('warn', state.kind === 'no-git' ? 'git not found: could not check the files for uncommitted changes' : 'not a git repository: could not check the files for uncommitted changes; keep a copy to compare or undo');
}

/**
 * The report is written after the plan, not inside its atomic set: it describes the run (conflicts
 * included) and usually lives outside the repository (a CI temp dir), where the plan never writes.
 */
function writeReport(opts: Options, plan: Plan, upgrade: Reconciled, version: string, answers: Parameters<typeof reportMarkdown>[0]['answers']): void {
  if (opts.report === null) return;
  const text = reportMarkdown({ version, changes: plan.changes(), kindOf: (p) => plan.kindOf(p), upgrade, notes: plan.notes, answers, dryRun: opts.dryRun });
  const file = resolve(opts.report);
  try {
    writeFileSync(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`--report: cannot write ${opts.report} (${code})${opts.dryRun ? '' : '; the repository changes were written'}`, { cause: error });
  }
}

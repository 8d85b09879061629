/**
 * A full run: detect, resolve answers (recorded ones from the upgrade manifest included), plan,
 * reconcile with the previous run, then --check, or print, confirm and write.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Options } from './args.js';
import type { Io } from './main.js';
import { detect } from '../detect/index.js';
import { resolveAnswers } from '../resolve-answers.js';
import { askQuestion, confirm } from './prompt.js';
import { buildPlan } from '../pipeline.js';
import type { Plan } from '../core/plan.js';
import { planReader } from '../core/read.js';
import { applyChanges } from '../core/apply.js';
import { hasJournal, JOURNAL_PATH, recoverInterrupted } from '../core/journal.js';
import { holdSignals, raise } from './signals.js';
import { renameGate } from './test-seams.js';
import { reportTarget, writeReportFile } from './report-file.js';
import { unifiedDiff } from '../core/diff.js';
import { setTemplatesDir } from '../core/render.js';
import { describeFacts, describePlan } from './summary.js';
import { UserError } from '../core/errors.js';
import { MANIFEST_MAX_BYTES, MANIFEST_PATH, readManifest, serializeManifest } from '../upgrade/manifest.js';
import { isTreatable } from '../questions.js';
import { reconcile, type Reconciled } from '../upgrade/reconcile.js';
import { checkFindings, describeFindings } from '../upgrade/check.js';
import { brokenImports, conflictPaths, describeUpgrade } from '../upgrade/describe.js';
import { checkEntrypointsReadable, noAppHints } from './unreadable.js';
import { resolveAppsFlag } from '../resolve-answers.js';
import { uncommitted } from '../upgrade/git.js';
import { reportMarkdown } from '../upgrade/report.js';

export async function run(opts: Options, io: Io, version: string): Promise<number> {
  // Test seam (not in --help): another template set, searched before the built-in one.
  const templatesOverride = process.env['CGS_TEMPLATES_DIR'];
  if (templatesOverride) setTemplatesDir(resolve(templatesOverride));

  recoverEarlierRun(opts, io);
  const facts = detect(opts.dir);
  io.stdout(describeFacts(facts).join('\n'));
  if (!facts.apps.some(isTreatable)) {
    throw new UserError(
      `${opts.dir}: found no Node or Python app with an entrypoint (looked for package.json start/main, pyproject.toml, requirements.txt)${noAppHints(facts.root) || "; run it in the app's repository"}`,
    );
  }
  checkEntrypointsReadable(facts, opts.answers['apps'] === undefined ? null : resolveAppsFlag(facts, opts.answers['apps']));
  const read = planReader(facts.root, new Map([[MANIFEST_PATH, MANIFEST_MAX_BYTES]]));
  const previous = readManifest(read);
  const recorded = previous?.answers ?? null;
  // --check is for CI: never ask.
  const answers = await resolveAnswers(facts, opts.answers, recorded, io.interactive && !opts.check ? askQuestion : null, opts.reconfigure);
  const plan = await buildPlan(facts, answers, read);
  const upgrade = reconcile(plan, previous, { version, answers });
  if (opts.check) return check(upgrade, plan, io);

  if (previous !== null || plan.planned().length > 0) {
    plan.write(MANIFEST_PATH, serializeManifest(upgrade.manifest), 'record of generated files, for upgrades', 'internal');
  }
  const changes = plan.changes();
  // Refused before anything is written: a bad --report path must not leave a half-done run behind.
  const report = opts.report === null ? null : reportTarget(opts.report, facts.root, plan, opts.dryRun);
  if (changes.length > 0 && !opts.dryRun) guardUncommitted(facts.root, plan, opts.force);

  const summary = [...describeUpgrade(upgrade), ...describePlan(changes, plan.notes)];
  if (summary.length) io.stdout(summary.join('\n'));
  if (changes.length === 0) {
    const left = conflictPaths(upgrade).length + brokenImports(upgrade).length;
    // A first run that writes nothing because it left the program alone has nothing "in place": say so.
    const leftAlone = previous === null && plan.notes.some((n) => n.level === 'warn');
    io.stdout(
      left
        ? 'Nothing to write; what is left needs you (see below).'
        : leftAlone
          ? 'Nothing written: the warnings above say what needs you.'
          : 'Nothing to do: everything is already in place.',
    );
    writeReport(report, opts, plan, upgrade, version, answers, io);
    return finish(upgrade, io);
  }
  // The manifest's diff repeats the generated files' diffs: listed in the plan, never printed as a diff.
  const reviewed = changes.filter((c) => plan.kindOf(c.path) !== 'internal');
  if (opts.dryRun) {
    io.stdout(reviewed.map(unifiedDiff).join('\n'));
    io.stdout('Dry run: nothing was written.');
    writeReport(report, opts, plan, upgrade, version, answers, io);
    return 0;
  }
  if (io.interactive && reviewed.some((c) => c.before !== null)) {
    io.stdout(
      reviewed
        .filter((c) => c.before !== null)
        .map(unifiedDiff)
        .join('\n'),
    );
    if (!(await confirm(`Apply these ${changes.length} changes?`))) {
      io.stdout('Nothing was written.');
      return 0;
    }
  }
  // Ctrl+C, SIGTERM and SIGHUP wait until the write completed or rolled back (./signals.ts).
  const held = holdSignals();
  let failure: unknown = null;
  try {
    applyChanges(facts.root, changes, renameGate(process.env));
  } catch (error) {
    failure = error;
  }
  const signal = await held.release();
  if (signal !== null) {
    io.stderr(
      `create-graceful-shutdown: ${signal} received while writing; ${failure === null ? `the write completed first (${changes.length} files)` : 'the write was rolled back first'}`,
    );
    raise(signal);
  }
  if (failure !== null) throw failure;
  io.stdout(`Done: ${changes.length} file${changes.length === 1 ? '' : 's'} written.`);
  writeReport(report, opts, plan, upgrade, version, answers, io);
  return finish(upgrade, io);
}

/**
 * A journal left by a run that was killed while writing: finished or undone before anything is
 * read, so detection never sees half a change. --check and --dry-run write nothing, so they stop.
 */
function recoverEarlierRun(opts: Options, io: Io): void {
  const root = resolve(opts.dir);
  if (!existsSync(root) || !statSync(root).isDirectory() || !hasJournal(root)) return;
  if (opts.check || opts.dryRun) {
    throw new UserError(
      `an earlier run was interrupted while writing; run create-graceful-shutdown without ${opts.check ? '--check' : '--dry-run'} to finish or undo it`,
      { file: JOURNAL_PATH },
    );
  }
  const r = recoverInterrupted(root);
  if (r === null) return;
  io.stdout(
    r.outcome === 'finished'
      ? `An earlier run was interrupted while writing: finished it (${r.files.length} files: ${r.files.join(', ')}).`
      : `An earlier run was interrupted while writing: put the old files back (${r.files.length} files: ${r.files.join(', ')}).`,
  );
}

/**
 * Exit 1 while any generated file holds conflict markers (new ones or ones left from an earlier
 * run), or an import the tool made no longer resolves (the user deleted the module, kept the import).
 */
function finish(upgrade: Reconciled, io: Io): number {
  const conflicts = conflictPaths(upgrade);
  const broken = brokenImports(upgrade);
  if (conflicts.length)
    io.stderr(`create-graceful-shutdown: merge conflicts in ${conflicts.join(', ')}: resolve the <<<<<<< markers, then run again`);
  for (const b of broken) {
    io.stderr(
      `create-graceful-shutdown: ${b.path}: imports ${b.missing}, which does not exist (the app fails at start): remove the import from ${b.path}, or remove the record of ${b.missing} from ${MANIFEST_PATH} and run again to get it back`,
    );
  }
  return conflicts.length || broken.length ? 1 : 0;
}

function check(upgrade: Reconciled, plan: Plan, io: Io): number {
  const findings = checkFindings(upgrade, plan.notes, (p) => plan.current(p));
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

/**
 * The report is written after the plan, not inside its atomic set: it describes the run (conflicts
 * included) and usually lives outside the repository (a CI temp dir). Its path was checked before
 * anything was written (./report-file.ts).
 */
function writeReport(
  file: string | null,
  opts: Options,
  plan: Plan,
  upgrade: Reconciled,
  version: string,
  answers: Parameters<typeof reportMarkdown>[0]['answers'],
  io: Io,
): void {
  if (file === null || opts.report === null) return;
  const text = reportMarkdown({
    version,
    changes: plan.changes(),
    kindOf: (p) => plan.kindOf(p),
    upgrade,
    notes: plan.notes,
    answers,
    dryRun: opts.dryRun,
  });
  writeReportFile(file, opts.report, text, opts.dryRun);
  io.stdout(`Report written to ${file}.`);
}

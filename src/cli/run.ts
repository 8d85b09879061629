/**
 * A full run, around the engine (../engine): show what was found, let the engine resolve answers,
 * plan and reconcile with the previous run, then --check, or print, confirm and write.
 */
import { resolve } from 'node:path';
import type { Options } from './args.js';
import type { Io } from './main.js';
import { askQuestion, confirm } from './prompt.js';
import { holdSignals, raise } from './signals.js';
import { renameGate } from './test-seams.js';
import { reportTarget, writeReportFile } from './report-file.js';
import { unifiedDiff } from '../core/diff.js';
import { describeFacts, describePlan } from './summary.js';
import { UserError } from '../core/errors.js';
import { MANIFEST_PATH } from '../upgrade/manifest.js';
import { isTreatable } from '../questions.js';
import type { Reconciled } from '../upgrade/reconcile.js';
import { describeFindings } from '../upgrade/check.js';
import { brokenImports, conflictPaths, describeUpgrade } from '../upgrade/describe.js';
import { checkEntrypointsReadable, noAppHints } from './unreadable.js';
import { resolveAppsFlag } from '../resolve-answers.js';
import { uncommitted } from '../upgrade/git.js';
import { reportMarkdown } from '../upgrade/report.js';
import type { Recovery } from '../core/journal.js';
import { type EngineOptions, findRepo, type PreparedRun, prepareRun } from '../engine/index.js';

export async function run(opts: Options, io: Io, version: string): Promise<number> {
  const engine = engineOptions(opts, version);
  const found = findRepo(engine);
  if (found.recovered !== null) io.stdout(describeRecovery(found.recovered));
  const facts = found.facts;
  io.stdout(describeFacts(facts).join('\n'));
  if (!facts.apps.some(isTreatable)) {
    throw new UserError(
      `${opts.dir}: found no Node or Python app with an entrypoint (looked for package.json start/main, pyproject.toml, requirements.txt)${noAppHints(facts.root) || "; run it in the app's repository"}`,
    );
  }
  checkEntrypointsReadable(facts, opts.answers['apps'] === undefined ? null : resolveAppsFlag(facts, opts.answers['apps']));
  const prepared = await prepareRun(facts, engine, { ask: io.interactive ? askQuestion : null, gitState: uncommitted });
  if (opts.check) return check(prepared, io);

  const { plan, upgrade, changes, reviewed } = prepared;
  // Refused before anything is written: a bad --report path must not leave a half-done run behind.
  const report = opts.report === null ? null : reportTarget(opts.report, facts.root, plan, opts.dryRun);
  if (!opts.dryRun) prepared.guard();

  const summary = [...describeUpgrade(upgrade), ...describePlan(changes, plan.notes)];
  if (summary.length) io.stdout(summary.join('\n'));
  if (changes.length === 0) {
    const left = conflictPaths(upgrade).length + brokenImports(upgrade).length;
    // A first run that writes nothing because it left the program alone has nothing "in place": say so.
    const leftAlone = prepared.previous === null && plan.notes.some((n) => n.level === 'warn');
    io.stdout(
      left
        ? 'Nothing to write; what is left needs you (see below).'
        : leftAlone
          ? 'Nothing written: the warnings above say what needs you.'
          : 'Nothing to do: everything is already in place.',
    );
    writeReport(report, opts, prepared, version, io);
    return finish(upgrade, io);
  }
  if (opts.dryRun) {
    io.stdout(reviewed.map(unifiedDiff).join('\n'));
    io.stdout('Dry run: nothing was written.');
    writeReport(report, opts, prepared, version, io);
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
    prepared.apply(renameGate(process.env));
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
  writeReport(report, opts, prepared, version, io);
  return finish(upgrade, io);
}

function engineOptions(opts: Options, version: string): EngineOptions {
  // Test seam (not in --help): another template set, searched before the built-in one.
  const templatesOverride = process.env['CGS_TEMPLATES_DIR'];
  return {
    dir: opts.dir,
    flags: opts.answers,
    reconfigure: opts.reconfigure,
    check: opts.check,
    dryRun: opts.dryRun,
    force: opts.force,
    templatesDir: templatesOverride ? resolve(templatesOverride) : null,
    version,
  };
}

function describeRecovery(r: Recovery): string {
  return r.outcome === 'finished'
    ? `An earlier run was interrupted while writing: finished it (${r.files.length} files: ${r.files.join(', ')}).`
    : `An earlier run was interrupted while writing: put the old files back (${r.files.length} files: ${r.files.join(', ')}).`;
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

function check(prepared: PreparedRun, io: Io): number {
  const findings = prepared.findings();
  if (findings.length === 0) {
    io.stdout('Check: every generated file and edit is present and current.');
    return 0;
  }
  io.stdout(['Check: not current (run create-graceful-shutdown to update):', ...describeFindings(findings)].join('\n'));
  return 1;
}

/**
 * The report is written after the plan, not inside its atomic set: it describes the run (conflicts
 * included) and usually lives outside the repository (a CI temp dir). Its path was checked before
 * anything was written (./report-file.ts).
 */
function writeReport(file: string | null, opts: Options, prepared: PreparedRun, version: string, io: Io): void {
  if (file === null || opts.report === null) return;
  const { plan } = prepared;
  const text = reportMarkdown({
    version,
    changes: plan.changes(),
    kindOf: (p) => plan.kindOf(p),
    upgrade: prepared.upgrade,
    notes: plan.notes,
    answers: prepared.answers,
    dryRun: opts.dryRun,
  });
  writeReportFile(file, opts.report, text, opts.dryRun);
  io.stdout(`Report written to ${file}.`);
}

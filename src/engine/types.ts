/**
 * What the engine is given and what it hands back. The engine does the work of a run (detect,
 * answers, plan, reconcile, manifest, git guard, apply); its callers (src/cli, src/plop-pack.ts)
 * decide what to print, what to ask and when to write, through the ports below.
 */
import type { Answers } from '../answers.js';
import type { FaultHook } from '../core/apply.js';
import type { Recovery } from '../core/journal.js';
import type { FileChange, Plan, PlanNote } from '../core/plan.js';
import type { Facts } from '../detect/facts.js';
import type { GeneratorDriver } from '../generators/plan-actions.js';
import type { Ask } from '../resolve-answers.js';
import type { Finding } from '../upgrade/check.js';
import type { GitState } from '../upgrade/git.js';
import type { Manifest } from '../upgrade/manifest.js';
import type { Reconciled } from '../upgrade/reconcile.js';

export interface EngineOptions {
  /** The repository to treat (relative to the process's cwd, or absolute). */
  dir: string;
  /** Raw values of question flags, by flag name (`timeout` → '5000'). */
  flags: Record<string, string>;
  /** Earlier answers are not reused (--reconfigure). */
  reconfigure: boolean;
  /** Only compare with what is there (--check): nothing asked, no manifest planned. */
  check: boolean;
  /** Nothing will be written (--dry-run): an interrupted earlier run is not finished. */
  dryRun: boolean;
  /** Change files with uncommitted changes anyway, with a warning (--force). */
  force: boolean;
  /** A template set searched before the built-in one, or null (a test seam). */
  templatesDir: string | null;
  /** This tool's version, recorded in the manifest. */
  version: string;
  /** How generators run; the plop pack runs them through node-plop. Default: directly. */
  driver?: GeneratorDriver;
}

export interface EnginePorts {
  /** Asks one question; null when nothing may be asked (not a terminal, --yes, CI, a plop run). */
  ask: Ask | null;
  /** Which of these repo-relative paths have uncommitted changes (src/upgrade/git.ts `uncommitted`). */
  gitState: (root: string, paths: readonly string[]) => GitState;
}

/** The repository as found: an interrupted earlier run finished or undone, then the facts. */
export interface FoundRepo {
  recovered: Recovery | null;
  facts: Facts;
}

/** A run planned in memory and not yet written. */
export interface PreparedRun {
  facts: Facts;
  answers: Answers;
  /** The manifest of an earlier run, or null. */
  previous: Manifest | null;
  plan: Plan;
  upgrade: Reconciled;
  /** Changes that alter bytes on disk (the manifest included, except with --check). */
  changes: FileChange[];
  /** The changes a person reviews: the manifest's diff repeats the generated files', so it is left out. */
  reviewed: FileChange[];
  notes: readonly PlanNote[];
  /** With --check: what is missing or not current. */
  findings(): Finding[];
  /** Refuses (UserError) when a file to change has uncommitted changes; notes why it could not check. Runs once. */
  guard(): void;
  /** Guards, then writes every change at once (or none). */
  apply(hook?: FaultHook): void;
}

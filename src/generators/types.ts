/**
 * The contract of an artifact generator. Each generator is registered as a plop generator
 * (./plopfile.ts); its actions are our custom plop action types, which add to the in-memory
 * Plan instead of writing to disk.
 */
import type { Answers, Part } from '../answers.js';
import type { App, Facts } from '../detect/facts.js';
import type { EditFn, PlanNote, PlanTree } from '../core/plan.js';
import type { Templates } from '../core/render.js';

export type PlanAction =
  /** Render templates/<template> with data and write it to path (created or replaced). */
  | { type: 'plan-render'; path: string; template: string; data: object; reason: string }
  /** Write exact content (already computed) to path. */
  | { type: 'plan-write'; path: string; content: string; reason: string }
  /**
   * Apply a pure edit to an existing (or planned) file. `needs`: generated files the edited code
   * imports; a deleted one is not imported again, and --check verifies each exists.
   */
  | { type: 'plan-edit'; path: string; edit: EditFn; reason: string; needs?: string[] }
  /** Something to tell the user in the plan summary. */
  | { type: 'plan-note'; level: PlanNote['level']; message: string; file?: string };

export interface GeneratorContext {
  facts: Facts;
  answers: Answers;
  /** The app being treated, for per-app generators. */
  app: App;
  /**
   * Current planned content of a file (earlier generators' output included), or null.
   * Generators use it to decide; they change files only through returned actions.
   */
  current(path: string): string | null;
  /**
   * The template set of this run (the plan's): what a generator renders by itself comes from it too.
   * The pipeline always passes it; a test driving one generator may leave it out (the built-in set).
   */
  templates?: Templates;
  /**
   * The plan as this generator sees it for this app (`plan.scope`): the returned actions are applied
   * to it, so every file they plan is recorded as this generator's. Given by the pipeline; a test
   * driving one generator may leave it out (actions then apply to the plan unscoped).
   */
  tree?: PlanTree;
}

export interface ArtifactGenerator {
  /** Plop generator name, e.g. 'node-module'. */
  name: string;
  part: Part;
  description: string;
  /** Whether this generator has anything to do for this app. */
  appliesTo(ctx: GeneratorContext): boolean;
  actions(ctx: GeneratorContext): PlanAction[];
}

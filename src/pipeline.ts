/**
 * From facts and answers to a plan: every selected generator, for every selected app. Loaded lazily by
 * the CLI (the generators are not needed for --help). The CLI runs the generators' actions directly; the
 * plop pack passes plopDriver (./generators/plopfile.ts) to run the same actions through node-plop.
 */
import type { Answers } from './answers.js';
import type { Facts } from './detect/facts.js';
import { Plan, type ReadFile } from './core/plan.js';
import { BUILT_IN_TEMPLATES, type Templates } from './core/render.js';
import { GENERATORS } from './generators/index.js';
import type { ArtifactGenerator } from './generators/types.js';
import { directDriver, type GeneratorDriver } from './generators/plan-actions.js';
import type { GeneratorContext } from './generators/types.js';

export interface PlanSetup {
  /** The template set to render from; default the built-in one. */
  templates?: Templates;
  /** The generators in run order; default GENERATORS (a test passes another order of them). */
  generators?: readonly ArtifactGenerator[];
}

export async function buildPlan(
  facts: Facts,
  answers: Answers,
  read: ReadFile,
  driver: GeneratorDriver = directDriver,
  setup: PlanSetup = {},
): Promise<Plan> {
  const templates = setup.templates ?? BUILT_IN_TEMPLATES;
  const plan = new Plan(read, templates);
  const runGenerator = await driver(plan, facts.root);
  const gens = (setup.generators ?? GENERATORS).filter((g) => answers.parts.includes(g.part));
  for (const w of facts.warnings) plan.note('warn', w);
  for (const app of facts.apps.filter((a) => answers.apps.includes(a.dir))) {
    for (const gen of gens) {
      // Recorded per file, for the upgrade manifest (which generator made it, for which app).
      const tree = plan.scope({ generator: gen.name, app: app.dir });
      const ctx: GeneratorContext = { facts, answers, app, current: (p) => tree.read(p), templates, tree };
      if (!gen.appliesTo(ctx)) continue;
      await runGenerator(gen, ctx);
    }
  }
  return plan;
}

/**
 * Our generators as plop generators, for the plop pack (../plop-pack.ts). The custom action types write
 * into the in-memory Plan, never to disk: node-plop drives the generators, the Plan decides what is
 * written and when. The CLI runs the same actions without node-plop (./plan-actions.ts).
 */
import nodePlop, { type NodePlopAPI } from 'node-plop';
import type { Plan } from '../core/plan.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';
import { UserError } from '../core/errors.js';
import { applyPlanAction, type GeneratorDriver } from './plan-actions.js';

export { GENERATED_MARK } from './plan-actions.js';

/**
 * Register the plan-* action types on a plop instance, bound to a plan: each applies to the scoped
 * view of the generator's context (the plan itself when a test drives a generator without one).
 */
export function registerPlanActions(plop: NodePlopAPI, plan: Plan): void {
  const types: PlanAction['type'][] = ['plan-render', 'plan-write', 'plan-edit', 'plan-note'];
  for (const type of types) {
    plop.setActionType(type, (data, cfg) => {
      const tree = (data as { ctx: GeneratorContext }).ctx.tree ?? plan;
      return applyPlanAction(tree, cfg as unknown as PlanAction);
    });
  }
}

export function registerGenerator(plop: NodePlopAPI, gen: ArtifactGenerator): void {
  plop.setGenerator(gen.name, {
    description: gen.description,
    prompts: [],
    // node-plop hands the run's data to `actions`; ours carries the generator context.
    actions: (data) => gen.actions((data as { ctx: GeneratorContext }).ctx) as never,
  });
}

export async function createPlop(root: string): Promise<NodePlopAPI> {
  return nodePlop(undefined, { destBasePath: root, force: false });
}

/** Run one generator for one context; an action failure is rethrown as the error it was. */
export async function runGenerator(plop: NodePlopAPI, gen: ArtifactGenerator, ctx: GeneratorContext): Promise<void> {
  const result = await plop.getGenerator(gen.name).runActions({ ctx });
  const failure = result.failures[0] as unknown;
  if (failure instanceof Error) throw failure;
  if (failure) {
    const f = failure as { error?: unknown; path?: string };
    throw new UserError(`generator ${gen.name} failed${f.path ? ` on ${f.path}` : ''}: ${String(f.error)}`);
  }
}

/** The plop pack's driver: every generator a plop generator, run by node-plop on the plan's action types. */
export const plopDriver: GeneratorDriver = async (plan, root) => {
  const plop = await createPlop(root);
  registerPlanActions(plop, plan);
  const registered = new Set<string>();
  return async (gen, ctx) => {
    if (!registered.has(gen.name)) registerGenerator(plop, gen);
    registered.add(gen.name);
    await runGenerator(plop, gen, ctx);
  };
};

/**
 * Our generators as plop generators. The custom action types write into the in-memory Plan,
 * never to disk: node-plop drives the generators, the Plan decides what is written and when.
 */
import nodePlop, { type NodePlopAPI } from 'node-plop';
import type { Plan } from '../core/plan.js';
import { renderTemplate } from '../core/render.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';
import { UserError } from '../core/errors.js';

type ActionOf<T extends PlanAction['type']> = Extract<PlanAction, { type: T }>;

/** Register the plan-* action types on a plop instance, bound to a plan. */
export function registerPlanActions(plop: NodePlopAPI, plan: Plan): void {
  plop.setActionType('plan-render', (_data, cfg) => {
    const a = cfg as unknown as ActionOf<'plan-render'>;
    plan.write(a.path, renderTemplate(a.template, a.data), a.reason);
    return a.path;
  });
  plop.setActionType('plan-write', (_data, cfg) => {
    const a = cfg as unknown as ActionOf<'plan-write'>;
    plan.write(a.path, a.content, a.reason);
    return a.path;
  });
  plop.setActionType('plan-edit', (_data, cfg) => {
    const a = cfg as unknown as ActionOf<'plan-edit'>;
    plan.edit(a.path, a.edit, a.reason);
    return a.path;
  });
  plop.setActionType('plan-note', (_data, cfg) => {
    const a = cfg as unknown as ActionOf<'plan-note'>;
    plan.note(a.level, a.message, a.file);
    return a.message;
  });
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

/**
 * The 'k8s' part: workloads get terminationGracePeriodSeconds above preStop + the app's budget,
 * and serving workloads a preStop sleep that covers endpoint propagation.
 */
import { patchK8s, type K8sPatchOptions } from '../edits/k8s.js';
import { patchDockerfile } from '../edits/dockerfile/patch.js';
import { targetChain } from '../core/timeout-chain.js';
import { chainInput, appChainNotes, ownsChainNotes, ownsKubernetes } from './container-chain.js';
import { appDockerfiles, patchOptionsFor } from './docker.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';

export const k8sGenerator: ArtifactGenerator = {
  name: 'k8s',
  part: 'k8s',
  description: 'Kubernetes: terminationGracePeriodSeconds above preStop + app budget, preStop sleep',
  appliesTo: (ctx) => ctx.answers.parts.includes('k8s') && ctx.facts.container.k8sManifests.length > 0 && ownsKubernetes(ctx),
  actions(ctx) {
    const actions: PlanAction[] = [];
    const target = targetChain(chainInput(ctx.app, ctx.answers));
    const options: K8sPatchOptions = {
      stopGraceSeconds: target.stopGraceSeconds,
      preStopSeconds: target.preStopSeconds,
      preStopAction: hasNoShell(ctx) ? 'sleep' : 'exec',
    };
    if (options.preStopAction === 'sleep' && options.preStopSeconds > 0) {
      actions.push({ type: 'plan-note', level: 'info', message: 'the image has no shell or sleep binary: preStop uses the sleep action (Kubernetes >= 1.30)' });
    }
    for (const file of ctx.facts.container.k8sManifests) {
      const source = ctx.current(file);
      if (source === null) continue;
      const result = patchK8s(source, options);
      if (result.text !== false) {
        actions.push({ type: 'plan-edit', path: file, edit: (s) => patchK8s(s, options).text, reason: `grace period ${target.k8sGraceSeconds} s${options.preStopSeconds > 0 ? `, preStop sleep ${options.preStopSeconds} s` : ''}` });
      }
      for (const message of result.warnings) actions.push({ type: 'plan-note', level: 'warn', message, file });
    }
    if (ownsChainNotes('k8s', ctx.answers.parts, ctx.facts.container)) {
      actions.push(...appChainNotes(ctx));
    }
    return actions;
  },
};

/** Distroless and scratch images have no `sleep` for an exec preStop. */
function hasNoShell(ctx: GeneratorContext): boolean {
  return appDockerfiles(ctx.facts, ctx.app).some((path) => {
    const source = ctx.current(path);
    if (source === null) return false;
    const family = patchDockerfile(source, patchOptionsFor(ctx.app)).stage.family;
    return family === 'distroless' || family === 'scratch';
  });
}

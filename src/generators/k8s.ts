/**
 * The 'k8s' part: the app's own workloads (containers whose image the app builds) get a preStop
 * sleep where they serve traffic and the image can run it, and a grace period raised only when
 * preStop + the app's stop grace needs more than what is in force (written, or the 30 s default).
 * Workloads of other apps and foreign images (redis, services built elsewhere) stay byte-identical
 * and are listed in the plan; Helm templates and kustomize patches are reported, never edited.
 */
import { posix } from 'node:path';
import type { App } from '../detect/facts.js';
import { describeK8sChange, K8S_DEFAULT_GRACE_SECONDS, patchK8s as patchK8sFresh, type K8sPatchOptions } from '../edits/k8s.js';
import { isTemplated } from '../detect/k8s-file.js';
import { k8sWorkloads } from '../detect/container-files.js';
import { stageFacts } from '../detect/dockerfile-facts.js';
import { targetChain } from '../core/timeout-chain.js';
import { chainInput, appChainNotes, ownsChainNotes } from './container-chain.js';
import { appDockerfiles } from './dockerfile-owners.js';
import { appContainersOf, imageOwners, type ImageOwners } from './workload-owners.js';
import { leftAloneNote } from './python-wiring.js';
import type { ArtifactGenerator, GeneratorContext, PlanAction } from './types.js';
import { memoizedEdit } from './edit-memo.js';
import { editActions } from './edit-actions.js';

const patchK8s = memoizedEdit(patchK8sFresh);

export const k8sGenerator: ArtifactGenerator = {
  name: 'k8s',
  part: 'k8s',
  description: "Kubernetes: preStop sleep and a grace period that covers it, on the app's own workloads",
  appliesTo: (ctx) =>
    ctx.answers.parts.includes('k8s') &&
    (ctx.facts.container.k8sManifests.length > 0 ||
      (ctx.facts.container.helmCharts ?? []).length > 0 ||
      (ctx.facts.container.kustomizePatches ?? []).length > 0),
  actions(ctx) {
    // A Python program left as it is (python-wiring.ts): how it stops is not changed here either.
    const alone = leftAloneNote(ctx);
    if (alone) return [alone];
    const actions: PlanAction[] = [];
    const owners = imageOwners(ctx.facts, ctx.current);
    const target = targetChain(chainInput(ctx.app, ctx.answers));
    const options: K8sPatchOptions = {
      stopGraceSeconds: target.stopGraceSeconds,
      preStopSeconds: target.preStopSeconds,
      preStopAction: preStopAction(ctx),
      select: (w) => appContainersOf(owners, ctx.app, w.containers),
    };
    const treated = ctx.facts.apps.filter((a) => ctx.answers.apps.includes(a.dir));
    const ownedNames = new Set<string>();
    for (const file of ctx.facts.container.k8sManifests) {
      const source = ctx.current(file);
      if (source === null) continue;
      const result = patchK8s(source, options);
      for (const w of k8sWorkloads(source, file)) if (options.select!(w) !== null) ownedNames.add(`${w.kind}/${w.name}`);
      const lines = result.data.changes.map(describeK8sChange).filter((l): l is string => l !== null);
      actions.push(...editActions({ path: file, result, edit: (s) => patchK8s(s, options), reason: lines.join('; ') }));
      actions.push(...untouchedNotes(file, source, owners, treated));
    }
    actions.push(...kustomizeNotes(ctx, ownedNames, target.preStopSeconds + target.stopGraceSeconds));
    actions.push(...helmNotes(ctx, owners, target.preStopSeconds, target.preStopSeconds + target.stopGraceSeconds));
    if (ownsChainNotes('k8s', ctx.answers.parts, ctx.facts.container)) {
      actions.push(...appChainNotes(ctx));
    }
    return actions;
  },
};

/** Workloads no treated app runs: named in the plan, left byte-identical. Same text for every app, printed once. */
function untouchedNotes(file: string, source: string, owners: ImageOwners, treated: readonly App[]): PlanAction[] {
  const out: PlanAction[] = [];
  for (const w of k8sWorkloads(source, file)) {
    if (treated.some((app) => appContainersOf(owners, app, w.containers) !== null)) continue;
    const images = w.containers.map((c) => c.image ?? '(no image)');
    const why = w.containers.map((c) => owners.of(c.image)).some((d) => d.length > 1)
      ? 'its image name matches more than one app'
      : w.containers.some((c) => owners.of(c.image).length === 1)
        ? 'it runs an app that is not treated in this run'
        : 'no app of this repo builds its image';
    out.push({
      type: 'plan-note',
      level: 'info',
      file,
      message: `left as it is: ${w.kind} "${w.name}" (image ${images.join(', ')}): ${why}`,
    });
  }
  return out;
}

/** Where the image runs the hook: exec sleep when it has /bin/sleep, else the sleep action when the cluster is new enough, else a note. */
function preStopAction(ctx: GeneratorContext): K8sPatchOptions['preStopAction'] {
  const families = imageFamilies(ctx);
  if (families.length > 0 && families.every((f) => ['debian', 'ubuntu', 'alpine', 'ubi'].includes(f))) return 'exec';
  return clusterHasSleepAction(ctx) ? 'sleep' : 'none';
}

function imageFamilies(ctx: GeneratorContext): string[] {
  const files = appDockerfiles(ctx.facts, ctx.app, ctx.current);
  const created = posix.join(ctx.app.dir, 'Dockerfile');
  if (files.length === 0 && ctx.current(created) !== null) files.push(created);
  return files.flatMap((path) => {
    const source = ctx.current(path);
    return source === null ? [] : [stageFacts(source).family];
  });
}

/** A Chart.yaml `kubeVersion` whose lower bound is 1.30 or later: the preStop sleep action exists there. */
function clusterHasSleepAction(ctx: GeneratorContext): boolean {
  return (ctx.facts.container.helmCharts ?? []).some((dir) => {
    const text = ctx.current(posix.join(dir, 'Chart.yaml')) ?? '';
    const m = /^kubeVersion:\s*["']?\s*>=?\s*v?1\.(\d+)/m.exec(text);
    return m !== null && Number(m[1]) >= 30;
  });
}

/** kustomize patches are partial objects applied over a base: report what they set for the app's workloads. */
function kustomizeNotes(ctx: GeneratorContext, owned: ReadonlySet<string>, needed: number): PlanAction[] {
  const out: PlanAction[] = [];
  for (const file of ctx.facts.container.kustomizePatches ?? []) {
    const source = ctx.current(file);
    if (source === null) continue;
    for (const w of k8sWorkloads(source, file)) {
      if (!owned.has(`${w.kind}/${w.name}`)) continue;
      const grace = w.graceSeconds;
      if (w.graceTemplate !== null) {
        out.push({
          type: 'plan-note',
          level: 'info',
          file,
          message: `kustomize patch for ${w.kind} "${w.name}" sets terminationGracePeriodSeconds to ${w.graceTemplate}: left as written; it must be at least ${needed}`,
        });
      } else if (grace !== null && grace < needed) {
        out.push({
          type: 'plan-note',
          level: 'warn',
          file,
          message: `kustomize patch for ${w.kind} "${w.name}" sets terminationGracePeriodSeconds: ${grace}: left as written; it must be at least ${needed} (preStop + the app's stop grace)`,
        });
      } else if (grace !== null) {
        out.push({
          type: 'plan-note',
          level: 'info',
          file,
          message: `kustomize patch for ${w.kind} "${w.name}" sets terminationGracePeriodSeconds: ${grace} (at least ${needed}): left as written`,
        });
      }
    }
  }
  return out;
}

/** Helm chart templates are not edited: say what the values must be. */
function helmNotes(ctx: GeneratorContext, owners: ImageOwners, preStop: number, needed: number): PlanAction[] {
  const out: PlanAction[] = [];
  for (const dir of ctx.facts.container.helmCharts ?? []) {
    const valuesPath = posix.join(dir, 'values.yaml');
    const values = ctx.current(valuesPath) ?? '';
    const repository = /^\s*repository:\s*["']?([^"'\s#]+)/m.exec(values)?.[1] ?? null;
    const chartName = /^name:\s*["']?([^"'\s#]+)/m.exec(ctx.current(posix.join(dir, 'Chart.yaml')) ?? '')?.[1] ?? null;
    const dirs = [...owners.of(repository), ...owners.of(chartName)];
    if (!dirs.includes(ctx.app.dir)) continue;
    const grace = /^\s*terminationGracePeriodSeconds:\s*(\S+)/m.exec(values)?.[1];
    const now =
      grace === undefined ? `not set in values.yaml (the templates decide; Kubernetes' default is ${K8S_DEFAULT_GRACE_SECONDS})` : grace;
    const low = grace !== undefined && !isTemplated(grace) && Number(grace) < needed;
    out.push({
      type: 'plan-note',
      level: low ? 'warn' : 'info',
      file: valuesPath,
      message:
        `Helm chart ${dir || '.'}: templates are not edited; terminationGracePeriodSeconds is ${now}: it must be at least ${needed}` +
        (preStop > 0 ? `, with a preStop sleep of ${preStop} s on the app's container` : ''),
    });
  }
  return out;
}

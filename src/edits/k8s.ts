/**
 * Kubernetes manifests (plain YAML, one or many documents): read each workload's grace period,
 * containers, images and preStop hooks, and patch the workloads (and containers) the caller says
 * belong to the app. What is in force is never lowered: the effective grace (as written, or
 * Kubernetes' 30 s default) is raised only when preStop + the app's stop grace needs more.
 * Values the user templated (`${VAR}`, `{{ }}`) stay as written. Every change made is returned
 * as data, so the plan can say exactly what was written. Splices only: comments and formatting stay.
 */
import { isMap, isScalar, isSeq, type YAMLMap } from 'yaml';
import { applySplices, detectEol, type Splice } from './dockerfile/text-splice.js';
import { appendToMap, indentStep, isBlockMap, replaceScalar } from './yaml-splice.js';
import { isTemplated, k8sDocs, podSpec, preStopOf, readK8s, type K8sWorkload } from '../detect/k8s-file.js';
import { countEditRun } from '../core/edit-runs.js';
import { note, type EditResult } from '../core/edit-result.js';

/** Kubernetes' default terminationGracePeriodSeconds. */
export const K8S_DEFAULT_GRACE_SECONDS = 30;

export interface K8sPatchOptions {
  /** The app's stop grace (budget + margin): the grace period must cover preStop + this. */
  stopGraceSeconds: number;
  /** preStop sleep to add to the app container of serving workloads; 0 for none. */
  preStopSeconds: number;
  /**
   * `exec`: `sleep N` in the container (the image has a sleep binary); `sleep`: the built-in sleep
   * action (Kubernetes >= 1.30); `none`: add no hook, say what is missing.
   */
  preStopAction: 'exec' | 'sleep' | 'none';
  /** Names of the app's containers; default: the first container of each workload. */
  containers?: string[];
  /**
   * Which workloads belong to the app, and which of their containers: the container names, or
   * null for a workload that is not the app's (left byte-identical). Default: every workload.
   */
  select?: (workload: K8sWorkload) => string[] | null;
}

/** What was written for one workload (or what it must be and was left templated). */
export interface K8sChange {
  workload: string;
  /** The grace period written, with what was in force before (null: Kubernetes' default). */
  grace: { from: number | null; to: number } | null;
  /** A templated grace left as written, with the least value it must have. */
  graceAtLeast: { template: string; seconds: number } | null;
  /** preStop hooks added, per container. */
  preStop: { container: string; seconds: number; action: 'exec' | 'sleep' }[];
}

/**
 * Notes: first the infos (kept hooks, templated values, what a hook must be), then the warnings.
 * `data.changes`: what was written, per workload (describeK8sChange makes the plan line).
 */
export type K8sPatchResult = EditResult<{ changes: K8sChange[] }>;

function result(text: string | false, infos: string[], warnings: string[], changes: K8sChange[]): K8sPatchResult {
  return { text, notes: [...infos.map((m) => note('info', m)), ...warnings.map((m) => note('warn', m))], data: { changes } };
}

export function patchK8s(source: string, options: K8sPatchOptions): K8sPatchResult {
  countEditRun('patchK8s', source, options);
  const warnings: string[] = [];
  const infos: string[] = [];
  const changes: K8sChange[] = [];
  const eol = detectEol(source);
  const step = indentStep(source);
  const splices: Splice[] = [];
  const docs = k8sDocs(source);
  if (docs === null) return result(false, infos, ['does not parse as YAML'], changes);
  const workloads = new Map(readK8s(source).map((w) => [w.document, w]));

  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      warnings.push(`a document does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
      return;
    }
    const workload = workloads.get(index);
    if (workload === undefined) return;
    const { kind, name } = workload;
    const label = `${kind} "${name}"`;
    const selected = options.select ? options.select(workload) : (options.containers ?? null);
    if (options.select && selected === null) return;
    const pod = podSpec(doc, kind);
    if (!isBlockMap(pod)) {
      warnings.push(`${label}: no block-style pod spec, left as it is`);
      return;
    }
    const serving = kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet';
    const change: K8sChange = { workload: label, grace: null, graceAtLeast: null, preStop: [] };

    // preStop on the app container(s).
    let preStop = 0;
    const containers = pod.get('containers', true);
    const appContainers: YAMLMap[] = [];
    if (isSeq(containers)) {
      for (const item of containers.items) {
        if (!isMap(item)) continue;
        const cname = String(item.get('name') ?? '');
        const wanted = selected !== null ? selected.includes(cname) : appContainers.length === 0;
        if (wanted) appContainers.push(item);
      }
    }
    for (const container of appContainers) {
      const cname = String(container.get('name') ?? '');
      const hook = preStopOf(container.toJSON() as Record<string, unknown>);
      if (hook !== null) {
        if (hook.kind === 'sleep') preStop = Math.max(preStop, hook.seconds);
        else {
          const what = hook.kind === 'httpGet' ? `httpGet ${hook.path ?? '/'}` : hook.description;
          infos.push(
            `${label}: container "${cname}" keeps its preStop ${what}; its time counts against the grace period, ` +
              `so the grace period must exceed the hook's time + ${options.stopGraceSeconds} s`,
          );
        }
        continue;
      }
      if (!serving || options.preStopSeconds <= 0) continue;
      if (options.preStopAction === 'none') {
        infos.push(
          `${label}: container "${cname}" has no preStop and its image is not known to have a sleep binary: ` +
            `add a preStop of ${options.preStopSeconds} s (the sleep action needs Kubernetes >= 1.30; exec sleep needs /bin/sleep in the image)`,
        );
        continue;
      }
      if (!isBlockMap(container)) {
        warnings.push(`${label}: container is not a block mapping, no preStop added`);
        continue;
      }
      const s = addPreStop(source, container, options, step, eol);
      if (s) {
        splices.push(s);
        preStop = Math.max(preStop, options.preStopSeconds);
        change.preStop.push({ container: cname, seconds: options.preStopSeconds, action: options.preStopAction });
      } else {
        warnings.push(`${label}: lifecycle is not a block mapping, no preStop added`);
      }
    }

    // The grace period in force only goes up, and only when preStop + stop grace needs more.
    const needed = preStop + options.stopGraceSeconds;
    const grace = pod.get('terminationGracePeriodSeconds', true);
    if (grace === undefined) {
      if (needed > K8S_DEFAULT_GRACE_SECONDS) {
        const s = appendToMap(source, pod, [`terminationGracePeriodSeconds: ${needed}`], eol);
        if (s) {
          splices.push(s);
          change.grace = { from: null, to: needed };
        }
      }
    } else if (isScalar(grace)) {
      if (typeof grace.value === 'number') {
        if (grace.value < needed) {
          const s = replaceScalar(grace, String(needed));
          if (s) {
            splices.push(s);
            change.grace = { from: grace.value, to: needed };
          }
        }
      } else if (isTemplated(grace.value)) {
        change.graceAtLeast = { template: String(grace.value), seconds: needed };
        infos.push(
          `${label}: terminationGracePeriodSeconds is templated (${String(grace.value)}), left as written: it must be at least ${needed}`,
        );
      } else {
        warnings.push(
          `${label}: terminationGracePeriodSeconds is not a number (${String(grace.value)}), left as written: it must be at least ${needed}`,
        );
      }
    }
    if (change.grace !== null || change.preStop.length > 0 || change.graceAtLeast !== null) changes.push(change);
  });
  const text = splices.length === 0 ? source : applySplices(source, splices);
  return result(text === source ? false : text, infos, warnings, changes);
}

/** One plan line per workload that is written: exactly what the patch put in the file. */
export function describeK8sChange(change: K8sChange): string | null {
  const parts: string[] = [];
  for (const p of change.preStop) {
    parts.push(`preStop ${p.action === 'sleep' ? 'sleep action' : 'exec sleep'} ${p.seconds} s on "${p.container}"`);
  }
  if (change.grace !== null) {
    parts.push(
      `terminationGracePeriodSeconds ${change.grace.from === null ? `${K8S_DEFAULT_GRACE_SECONDS} (default)` : change.grace.from} -> ${change.grace.to}`,
    );
  }
  return parts.length === 0 ? null : `${change.workload}: ${parts.join(', ')}`;
}

function addPreStop(source: string, container: YAMLMap, options: K8sPatchOptions, step: number, eol: string): Splice | null {
  const pad = (n: number): string => ' '.repeat(step * n);
  const action =
    options.preStopAction === 'sleep'
      ? [`${pad(1)}sleep:`, `${pad(2)}seconds: ${options.preStopSeconds}`]
      : [`${pad(1)}exec:`, `${pad(2)}command: ["sleep", "${options.preStopSeconds}"]`];
  const lifecycle = container.get('lifecycle', true);
  if (lifecycle === undefined) {
    return appendToMap(source, container, ['lifecycle:', ...[`preStop:`, ...action].map((l) => pad(1) + l)], eol);
  }
  if (isBlockMap(lifecycle)) return appendToMap(source, lifecycle, ['preStop:', ...action], eol);
  return null;
}

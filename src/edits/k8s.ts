/**
 * Kubernetes manifests (plain YAML, one or many documents): read each workload's grace period
 * and preStop, and set `terminationGracePeriodSeconds` above preStop + the app's budget, with a
 * preStop sleep where the app serves traffic (endpoints are removed while SIGTERM is already on
 * its way, so traffic keeps arriving for a few seconds). Splices only: comments and formatting stay.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type YAMLMap } from 'yaml';
import { applySplices, detectEol, type Splice } from './dockerfile/text-splice.js';
import { appendToMap, indentStep, isBlockMap, replaceScalar } from './yaml-splice.js';
import { budgetFromEnvironment } from './compose.js';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
/** Kubernetes' default terminationGracePeriodSeconds. */
export const K8S_DEFAULT_GRACE_SECONDS = 30;

export interface K8sContainer {
  name: string;
  /** Seconds of a `sleep` preStop (exec sleep N or the sleep action), null when none; NaN when another kind. */
  preStopSeconds: number | null;
  budgetMs: number | null;
}

export interface K8sWorkload {
  kind: WorkloadKind;
  name: string;
  /** Index of the YAML document in the file. */
  document: number;
  graceSeconds: number | null;
  containers: K8sContainer[];
}

/** True when the text holds at least one workload we handle. */
export function isK8sManifest(source: string): boolean {
  return readK8s(source).length > 0;
}

export function readK8s(source: string): K8sWorkload[] {
  const out: K8sWorkload[] = [];
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(source) as Document.Parsed[];
  } catch {
    return [];
  }
  if (!Array.isArray(docs)) return [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) return;
    const kind = doc.get('kind');
    if (typeof kind !== 'string' || !(WORKLOAD_KINDS as readonly string[]).includes(kind)) return;
    const pod = podSpec(doc, kind as WorkloadKind);
    if (!isMap(pod)) return;
    const spec = pod.toJSON() as { terminationGracePeriodSeconds?: unknown; containers?: unknown };
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    out.push({
      kind: kind as WorkloadKind,
      name: String(doc.getIn(['metadata', 'name']) ?? '(unnamed)'),
      document: index,
      graceSeconds: typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : null,
      containers: containers.filter(isRecord).map((c) => ({
        name: String(c['name'] ?? ''),
        preStopSeconds: preStopSeconds(c),
        budgetMs: budgetFromEnvironment(c['env']),
      })),
    });
  });
  return out;
}

export interface K8sPatchOptions {
  /** terminationGracePeriodSeconds is raised to preStop + this (the stop grace of the chain). */
  stopGraceSeconds: number;
  /** preStop sleep to add to the app container of serving workloads; 0 for none. */
  preStopSeconds: number;
  /**
   * `exec`: `sleep N` in the container (needs a sleep binary); `sleep`: the built-in sleep action
   * (Kubernetes >= 1.30, works for distroless and scratch images).
   */
  preStopAction: 'exec' | 'sleep';
  /** Names of the app's containers; default: the first container of each workload. */
  containers?: string[];
}

export interface K8sPatchResult {
  text: string | false;
  warnings: string[];
}

export function patchK8s(source: string, options: K8sPatchOptions): K8sPatchResult {
  const warnings: string[] = [];
  const eol = detectEol(source);
  const step = indentStep(source);
  const splices: Splice[] = [];
  const docs = parseAllDocuments(source) as Document.Parsed[];
  if (!Array.isArray(docs)) return { text: false, warnings: ['does not parse as YAML'] };

  for (const doc of docs) {
    if (doc.errors.length > 0) {
      warnings.push(`a document does not parse: ${doc.errors[0]!.message.split('\n')[0]}`);
      continue;
    }
    const kind = doc.get('kind');
    if (typeof kind !== 'string' || !(WORKLOAD_KINDS as readonly string[]).includes(kind)) continue;
    const name = String(doc.getIn(['metadata', 'name']) ?? '(unnamed)');
    const pod = podSpec(doc, kind as WorkloadKind);
    if (!isBlockMap(pod)) {
      warnings.push(`${kind} "${name}": no block-style pod spec, left as it is`);
      continue;
    }
    const serving = kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet';

    // preStop on the app container(s).
    let preStop = 0;
    const containers = pod.get('containers', true);
    const appContainers: YAMLMap[] = [];
    if (isSeq(containers)) {
      for (const item of containers.items) {
        if (!isMap(item)) continue;
        const cname = String(item.get('name') ?? '');
        const wanted = options.containers ? options.containers.includes(cname) : appContainers.length === 0;
        if (wanted) appContainers.push(item);
      }
    }
    for (const container of appContainers) {
      const existing = preStopSeconds(container.toJSON() as Record<string, unknown>);
      if (existing !== null) {
        preStop = Math.max(preStop, Number.isNaN(existing) ? 0 : existing);
        continue;
      }
      if (!serving || options.preStopSeconds <= 0) continue;
      if (!isBlockMap(container)) {
        warnings.push(`${kind} "${name}": container is not a block mapping, no preStop added`);
        continue;
      }
      const s = addPreStop(source, container, options, step, eol);
      if (s) {
        splices.push(s);
        preStop = Math.max(preStop, options.preStopSeconds);
      } else {
        warnings.push(`${kind} "${name}": lifecycle is not a block mapping, no preStop added`);
      }
    }

    // terminationGracePeriodSeconds above preStop + stop grace.
    const wanted = preStop + options.stopGraceSeconds;
    const grace = pod.get('terminationGracePeriodSeconds', true);
    if (grace === undefined) {
      const s = appendToMap(source, pod, [`terminationGracePeriodSeconds: ${wanted}`], eol);
      if (s) splices.push(s);
    } else if (isScalar(grace) && (typeof grace.value !== 'number' || grace.value < wanted)) {
      const s = replaceScalar(grace, String(wanted));
      if (s) splices.push(s);
    }
  }
  const text = splices.length === 0 ? source : applySplices(source, splices);
  return { text: text === source ? false : text, warnings };
}

function addPreStop(source: string, container: YAMLMap, options: K8sPatchOptions, step: number, eol: string): Splice | null {
  const pad = (n: number): string => ' '.repeat(step * n);
  const action = options.preStopAction === 'sleep'
    ? [`${pad(1)}sleep:`, `${pad(2)}seconds: ${options.preStopSeconds}`]
    : [`${pad(1)}exec:`, `${pad(2)}command: ["sleep", "${options.preStopSeconds}"]`];
  const lifecycle = container.get('lifecycle', true);
  if (lifecycle === undefined) {
    return appendToMap(source, container, ['lifecycle:', ...[`preStop:`, ...action].map((l) => pad(1) + l)], eol);
  }
  if (isBlockMap(lifecycle)) return appendToMap(source, lifecycle, ['preStop:', ...action], eol);
  return null;
}

function podSpec(doc: Document.Parsed, kind: WorkloadKind): unknown {
  return kind === 'CronJob'
    ? doc.getIn(['spec', 'jobTemplate', 'spec', 'template', 'spec'], true)
    : doc.getIn(['spec', 'template', 'spec'], true);
}

/** Seconds of a sleep preStop; null when there is no preStop; NaN for another kind of hook. */
function preStopSeconds(container: Record<string, unknown>): number | null {
  const lifecycle = container['lifecycle'];
  if (!isRecord(lifecycle) || !isRecord(lifecycle['preStop'])) return null;
  const hook = lifecycle['preStop'];
  if (isRecord(hook['sleep']) && typeof hook['sleep']['seconds'] === 'number') return hook['sleep']['seconds'];
  const command = isRecord(hook['exec']) ? hook['exec']['command'] : undefined;
  if (Array.isArray(command)) {
    const text = command.map(String).join(' ');
    const m = /\bsleep\s+(\d+(?:\.\d+)?)/.exec(text);
    if (m) return Number(m[1]);
  }
  return Number.NaN;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

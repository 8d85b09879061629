/**
 * Reading Kubernetes manifests (plain YAML, one or many documents): each workload's grace period,
 * containers, images and preStop hooks. Detection reads them once; edits/k8s.ts patches them.
 */
import { isMap, parseAllDocuments, type Document } from 'yaml';
import { parsedOnce } from '../core/parse-count.js';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;

export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export type PreStopHook =
  | { kind: 'sleep'; seconds: number }
  | { kind: 'httpGet'; path: string | null; port: string | null }
  | { kind: 'other'; description: string };

export interface K8sContainer {
  name: string;
  image: string | null;
  /** Seconds of a `sleep` preStop (exec sleep N or the sleep action), null when none; NaN when another kind. */
  preStopSeconds: number | null;
  preStop: PreStopHook | null;
  budgetMs: number | null;
}

export interface K8sWorkload {
  kind: WorkloadKind;
  name: string;
  /** Index of the YAML document in the file. */
  document: number;
  /** The grace period as written, when it is a number; null when absent or templated. */
  graceSeconds: number | null;
  /** The text of a grace period that is not a number (`${GRACE_SECONDS}`), else null. */
  graceTemplate: string | null;
  containers: K8sContainer[];
}

/** `${VAR}`, `$(VAR)`, `{{ ... }}`: a value filled in by a tool before it reaches Kubernetes. */
export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && /\$\{[^}]*\}|\$\([^)]*\)|\{\{.*\}\}/.test(value);
}

/** True when the text holds at least one workload we handle. */
export function isK8sManifest(source: string): boolean {
  return readK8s(source).length > 0;
}

/**
 * A manifest's YAML documents, parsed once per distinct text and shared by detection and the k8s edit;
 * null when the text cannot be parsed at all.
 */
export const k8sDocs: (source: string) => Document.Parsed[] | null = parsedOnce('k8s', (source) => {
  try {
    const docs = parseAllDocuments(source) as Document.Parsed[];
    return Array.isArray(docs) ? docs : null;
  } catch {
    return null;
  }
});

export function readK8s(source: string): K8sWorkload[] {
  const out: K8sWorkload[] = [];
  const docs = k8sDocs(source);
  if (docs === null) return [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) return;
    const kind = doc.get('kind');
    if (typeof kind !== 'string' || !(WORKLOAD_KINDS as readonly string[]).includes(kind)) return;
    const pod = podSpec(doc, kind as WorkloadKind);
    if (!isMap(pod)) return;
    const spec = pod.toJSON() as { terminationGracePeriodSeconds?: unknown; containers?: unknown };
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    const grace = spec.terminationGracePeriodSeconds;
    out.push({
      kind: kind as WorkloadKind,
      name: String(doc.getIn(['metadata', 'name']) ?? '(unnamed)'),
      document: index,
      graceSeconds: typeof grace === 'number' ? grace : null,
      graceTemplate: grace === undefined || grace === null || typeof grace === 'number' ? null : String(grace),
      containers: containers.filter(isRecord).map((c) => {
        const hook = preStopOf(c);
        return {
          name: String(c['name'] ?? ''),
          image: typeof c['image'] === 'string' ? c['image'] : null,
          preStopSeconds: hook === null ? null : hook.kind === 'sleep' ? hook.seconds : Number.NaN,
          preStop: hook,
          budgetMs: budgetFromEnvironment(c['env']),
        };
      }),
    });
  });
  return out;
}

export function podSpec(doc: Document.Parsed, kind: WorkloadKind): unknown {
  return kind === 'CronJob'
    ? doc.getIn(['spec', 'jobTemplate', 'spec', 'template', 'spec'], true)
    : doc.getIn(['spec', 'template', 'spec'], true);
}

/** The container's preStop hook, or null when there is none. */
export function preStopOf(container: Record<string, unknown>): PreStopHook | null {
  const lifecycle = container['lifecycle'];
  if (!isRecord(lifecycle) || !isRecord(lifecycle['preStop'])) return null;
  const hook = lifecycle['preStop'];
  if (isRecord(hook['sleep']) && typeof hook['sleep']['seconds'] === 'number') return { kind: 'sleep', seconds: hook['sleep']['seconds'] };
  if (isRecord(hook['httpGet'])) {
    const h = hook['httpGet'];
    return {
      kind: 'httpGet',
      path: h['path'] === undefined ? null : String(h['path']),
      port: h['port'] === undefined ? null : String(h['port']),
    };
  }
  const command = isRecord(hook['exec']) ? hook['exec']['command'] : undefined;
  if (Array.isArray(command)) {
    const text = command.map(String).join(' ');
    const m = /^(?:\S*\/)?sleep\s+(\d+(?:\.\d+)?)$/.exec(text.trim()) ?? /(?:^|[;&|]\s*|\s-c\s+)sleep\s+(\d+(?:\.\d+)?)\s*$/.exec(text);
    if (m) return { kind: 'sleep', seconds: Number(m[1]) };
    return { kind: 'other', description: `exec ${text}` };
  }
  return { kind: 'other', description: Object.keys(hook).join(', ') || 'hook' };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** GRACEFUL_SHUTDOWN_TIMEOUT_MS from a compose/k8s-style environment (map or KEY=value list). */
export function budgetFromEnvironment(env: unknown): number | null {
  let value: unknown;
  if (Array.isArray(env)) {
    for (const item of env) {
      if (typeof item === 'string' && item.startsWith('GRACEFUL_SHUTDOWN_TIMEOUT_MS=')) value = item.split('=')[1];
      if (isRecord(item) && item['name'] === 'GRACEFUL_SHUTDOWN_TIMEOUT_MS') value = item['value'];
    }
  } else if (isRecord(env)) {
    value = env['GRACEFUL_SHUTDOWN_TIMEOUT_MS'];
  }
  const n = Number(value);
  return value !== undefined && value !== null && Number.isFinite(n) ? n : null;
}

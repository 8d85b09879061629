/**
 * docker compose files: read each service's stop settings, and give the app's services
 * `init: true` (when the image brings no init), `stop_signal` and a `stop_grace_period` above
 * the app's budget. Edits are splices at node ranges, so comments and formatting stay.
 */
import { isMap, isScalar, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { applySplices, detectEol, type Splice } from './dockerfile/text-splice.js';
import { appendToMap, isBlockMap, replaceScalar } from './yaml-splice.js';
import { parseDuration } from '../core/timeout-chain.js';

export interface ComposeService {
  name: string;
  /** build context as written (`.`, `./api`), or null when the service uses an image only. */
  buildContext: string | null;
  /** build.dockerfile as written, or null. */
  dockerfile: string | null;
  image: string | null;
  init: boolean | null;
  stopSignal: string | null;
  stopGraceSeconds: number | null;
  /** GRACEFUL_SHUTDOWN_TIMEOUT_MS from environment, when set there. */
  budgetMs: number | null;
  command: string[] | null;
}

/** The services of a compose file; [] when it does not parse or has none. */
export function readCompose(source: string): ComposeService[] {
  // Compose files use YAML merge keys (`<<: *defaults`); read values as compose sees them.
  const doc = parseDocument(source, { merge: true });
  if (doc.errors.length > 0) return [];
  const services = doc.get('services', true);
  if (!isMap(services)) return [];
  const out: ComposeService[] = [];
  const all = doc.toJS() as { services?: Record<string, unknown> };
  for (const pair of services.items as Pair<Node, Node>[]) {
    const name = isScalar(pair.key) ? String(pair.key.value) : null;
    if (name === null || !isMap(pair.value)) continue;
    const svc = all.services?.[name];
    if (!isRecord(svc)) continue;
    const build = svc['build'];
    const buildContext = typeof build === 'string' ? build : isRecord(build) ? String(build['context'] ?? '.') : null;
    const dockerfile = isRecord(build) && typeof build['dockerfile'] === 'string' ? build['dockerfile'] : null;
    const command = Array.isArray(svc['command']) ? svc['command'].map(String)
      : typeof svc['command'] === 'string' ? svc['command'].split(/\s+/) : null;
    out.push({
      name,
      buildContext,
      dockerfile,
      image: typeof svc['image'] === 'string' ? svc['image'] : null,
      init: typeof svc['init'] === 'boolean' ? svc['init'] : null,
      stopSignal: typeof svc['stop_signal'] === 'string' ? svc['stop_signal'] : null,
      stopGraceSeconds: parseDuration(svc['stop_grace_period']),
      budgetMs: budgetFromEnvironment(svc['environment']),
      command,
    });
  }
  return out;
}

export interface ComposeServicePatch {
  /** Add `init: true`: the image has no init of its own. */
  init: boolean;
  stopSignal: string;
  /** stop_grace_period is raised to this when lower or missing. */
  stopGraceSeconds: number;
}

export interface ComposePatchResult {
  text: string | false;
  warnings: string[];
}

/** Apply the patch to each named service (others stay untouched). */
export function patchCompose(source: string, services: Record<string, ComposeServicePatch>): ComposePatchResult {
  const warnings: string[] = [];
  const doc = parseDocument(source);
  if (doc.errors.length > 0) {
    return { text: false, warnings: [`does not parse as YAML: ${doc.errors[0]!.message.split('\n')[0]}`] };
  }
  const eol = detectEol(source);
  const servicesNode = doc.get('services', true);
  if (!isMap(servicesNode)) return { text: false, warnings: ['no services'] };
  const splices: Splice[] = [];
  // Effective values, merge keys applied: a value inherited from an anchor counts.
  const effective = new Map(readCompose(source).map((s) => [s.name, s]));

  for (const [name, patch] of Object.entries(services)) {
    const svc = servicesNode.get(name, true);
    if (!isBlockMap(svc)) {
      warnings.push(`service "${name}" is ${svc === undefined ? 'missing' : 'not a block mapping'}: left as it is`);
      continue;
    }
    const add: string[] = [];
    const get = (key: string): unknown => (svc as YAMLMap).get(key, true);

    const merged = effective.get(name);
    const init = get('init');
    if (patch.init && init === undefined && merged?.init == null) add.push('init: true');
    if (patch.init && isScalar(init) && init.value === false) {
      warnings.push(`service "${name}" sets init: false and its image has no init: PID 1 ignores SIGTERM`);
    }
    if (!patch.init && isScalar(init) && init.value === true) {
      warnings.push(`service "${name}" sets init: true and the image already starts tini: two inits (harmless, tini warns)`);
    }

    const signal = get('stop_signal');
    if (signal === undefined) {
      if (merged?.stopSignal?.toUpperCase() !== patch.stopSignal) add.push(`stop_signal: ${patch.stopSignal}`);
    }
    else if (isScalar(signal) && String(signal.value).toUpperCase() !== patch.stopSignal) {
      const s = replaceScalar(signal, patch.stopSignal);
      if (s) splices.push(s);
      warnings.push(`service "${name}": stop_signal was ${String(signal.value)}, now ${patch.stopSignal}`);
    }

    const grace = get('stop_grace_period');
    const wanted = `${patch.stopGraceSeconds}s`;
    if (grace === undefined) {
      const inherited = merged?.stopGraceSeconds ?? null;
      if (inherited === null || inherited < patch.stopGraceSeconds) add.push(`stop_grace_period: ${wanted}`);
    }
    else if (isScalar(grace)) {
      const seconds = parseDuration(grace.value);
      if (seconds === null || seconds < patch.stopGraceSeconds) {
        const s = replaceScalar(grace, wanted);
        if (s) splices.push(s);
      }
    }

    if (add.length > 0) {
      const s = appendToMap(source, svc, add, eol);
      if (s) splices.push(s);
    }
  }
  const text = splices.length === 0 ? source : applySplices(source, splices);
  return { text: text === source ? false : text, warnings };
}

function isRecord(v: unknown): v is Record<string, unknown> {
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

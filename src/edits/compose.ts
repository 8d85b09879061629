/**
 * docker compose files: read each service's stop settings, and give the app's services
 * `init: true` (when the image brings no init), a `stop_signal` when the one in force does not stop
 * the app gracefully, and a `stop_grace_period` only when the one in force (written, inherited
 * through a merge key, or compose's 10 s default) is shorter than the app needs. Templated values
 * (`${STOP_GRACE:-5s}`) stay as written and are reported. Files with several YAML documents are
 * read and patched document by document; a service that is only an alias (`api2: *app`) is covered
 * by the service it aliases, or reported. Edits are splices at node ranges: comments and formatting stay.
 */
import { isAlias, isMap, isScalar, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { applySplices, detectEol, type Splice } from './dockerfile/text-splice.js';
import { appendToMap, isBlockMap, replaceScalar } from './yaml-splice.js';
import { parseDuration } from '../core/timeout-chain.js';
import { isTemplated } from './k8s.js';

/** compose's stop timeout when the file says none. */
export const COMPOSE_DEFAULT_GRACE_SECONDS = 10;

export interface ComposeService {
  name: string;
  /** Index of the YAML document that defines it. */
  document: number;
  /** The anchor name when the service is only an alias of another node (`api2: *app`), else null. */
  aliasOf: string | null;
  /** build context as written (`.`, `./api`), or null when the service uses an image only. */
  buildContext: string | null;
  /** build.dockerfile as written, or null. */
  dockerfile: string | null;
  /** build.target (the Dockerfile stage compose builds), or null: the final stage. */
  buildTarget?: string | null;
  /** Whether the service sets its build context itself (an override file's `build: { target }` does not: it merges onto the base file's). */
  buildContextSet?: boolean;
  image: string | null;
  init: boolean | null;
  stopSignal: string | null;
  stopGraceSeconds: number | null;
  /** stop_grace_period as written when it is templated (`${STOP_GRACE:-5s}`), else null. */
  stopGraceTemplate: string | null;
  /** GRACEFUL_SHUTDOWN_TIMEOUT_MS from environment, when set there. */
  budgetMs: number | null;
  command: string[] | null;
}

function parseDocs(source: string): Document.Parsed[] | null {
  try {
    const docs = parseAllDocuments(source, { merge: true }) as Document.Parsed[];
    return Array.isArray(docs) ? docs : null;
  } catch {
    return null;
  }
}

/** The services of a compose file, every document; [] when it does not parse or has none. */
export function readCompose(source: string): ComposeService[] {
  const docs = parseDocs(source);
  if (docs === null) return [];
  const out: ComposeService[] = [];
  docs.forEach((doc, index) => {
    if (doc.errors.length > 0) return;
    const services = doc.get('services', true);
    if (!isMap(services)) return;
    // Compose files use YAML merge keys (`<<: *defaults`); read values as compose sees them.
    const all = doc.toJS() as { services?: Record<string, unknown> };
    for (const pair of services.items as Pair<Node, Node>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : null;
      if (name === null) continue;
      const svc = all.services?.[name];
      if (!isRecord(svc)) continue;
      out.push(serviceOf(name, index, isAlias(pair.value) ? pair.value.source : null, svc));
    }
  });
  return out;
}

function serviceOf(name: string, document: number, aliasOf: string | null, svc: Record<string, unknown>): ComposeService {
  const build = svc['build'];
  const buildContext = typeof build === 'string' ? build : isRecord(build) ? String(build['context'] ?? '.') : null;
  const dockerfile = isRecord(build) && typeof build['dockerfile'] === 'string' ? build['dockerfile'] : null;
  const command = Array.isArray(svc['command']) ? svc['command'].map(String)
    : typeof svc['command'] === 'string' ? svc['command'].split(/\s+/) : null;
  const grace = svc['stop_grace_period'];
  return {
    name,
    document,
    aliasOf,
    buildContext,
    dockerfile,
    buildTarget: isRecord(build) && typeof build['target'] === 'string' ? build['target'] : null,
    buildContextSet: typeof build === 'string' || (isRecord(build) && build['context'] !== undefined),
    image: typeof svc['image'] === 'string' ? svc['image'] : null,
    init: typeof svc['init'] === 'boolean' ? svc['init'] : null,
    stopSignal: typeof svc['stop_signal'] === 'string' ? svc['stop_signal'] : null,
    stopGraceSeconds: isTemplated(grace) ? null : parseDuration(grace),
    stopGraceTemplate: isTemplated(grace) ? String(grace) : null,
    budgetMs: budgetFromEnvironment(svc['environment']),
    command,
  };
}

export interface ComposeServicePatch {
  /** Add `init: true`: the image has no init of its own. */
  init: boolean;
  stopSignal: string;
  /** Other signals the app also stops gracefully on: a service that already sends one keeps it. */
  alsoGraceful?: string[];
  /** stop_grace_period is raised to this when the one in force is shorter. */
  stopGraceSeconds: number;
}

export interface ComposePatchResult {
  text: string | false;
  warnings: string[];
  /** What was written, per service, for the plan: `api: init: true, stop_grace_period 10 s (default) -> 15s`. */
  changes: string[];
  /** Not problems: templated values left as written, aliases covered by their anchor. */
  infos: string[];
}

/** Apply the patch to each named service (others stay untouched), in whichever document defines it. */
export function patchCompose(source: string, services: Record<string, ComposeServicePatch>): ComposePatchResult {
  const warnings: string[] = [];
  const infos: string[] = [];
  const changes: string[] = [];
  const docs = parseDocs(source);
  const broken = docs?.find((d) => d.errors.length > 0);
  if (docs === null || broken) {
    return { text: false, warnings: [`does not parse as YAML: ${broken?.errors[0]!.message.split('\n')[0] ?? 'unreadable'}`], changes, infos };
  }
  const eol = detectEol(source);
  const splices: Splice[] = [];
  // Effective values, merge keys applied: a value inherited from an anchor counts.
  const effective = readCompose(source);
  const patchedAnchors = new Map<string, string>(); // anchor → service name, for services we patch

  for (const [name, patch] of Object.entries(services)) {
    const merged = effective.find((s) => s.name === name);
    const doc = merged === undefined ? undefined : docs[merged.document];
    const servicesNode = doc?.get('services', true);
    const pair = isMap(servicesNode) ? (servicesNode.items as Pair<Node, Node>[]).find((p) => isScalar(p.key) && String(p.key.value) === name) : undefined;
    if (merged === undefined || pair === undefined) {
      warnings.push(`service "${name}" is missing: left as it is`);
      continue;
    }
    if (isAlias(pair.value)) continue; // handled below, once the services it may alias are patched
    const svc = pair.value;
    if (!isBlockMap(svc)) {
      warnings.push(`service "${name}" is not a block mapping: left as it is; add ${wantedText(patch, merged)}`);
      continue;
    }
    if (svc.anchor) patchedAnchors.set(svc.anchor, name);
    const add: string[] = [];
    const done: string[] = [];
    const get = (key: string): unknown => (svc as YAMLMap).get(key, true);

    const init = get('init');
    if (patch.init && init === undefined && merged.init == null) {
      add.push('init: true');
      done.push('init: true');
    }
    if (patch.init && (merged.init === false)) {
      warnings.push(`service "${name}" sets init: false and its image has no init: PID 1 ignores SIGTERM`);
    }
    if (!patch.init && merged.init === true) {
      warnings.push(`service "${name}" sets init: true and the image already starts tini: two inits (harmless, tini warns)`);
    }

    const graceful = [patch.stopSignal, ...(patch.alsoGraceful ?? [])];
    const signal = get('stop_signal');
    const inForce = merged.stopSignal === null ? 'SIGTERM' : normaliseSignal(merged.stopSignal);
    if (!graceful.includes(inForce)) {
      if (isScalar(signal)) {
        const s = replaceScalar(signal, patch.stopSignal);
        if (s) splices.push(s);
        warnings.push(`service "${name}": stop_signal was ${String(signal.value)}, now ${patch.stopSignal}`);
      } else {
        add.push(`stop_signal: ${patch.stopSignal}`);
      }
      done.push(`stop_signal ${merged.stopSignal ?? 'SIGTERM (default)'} -> ${patch.stopSignal}`);
    }

    const grace = get('stop_grace_period');
    const wanted = `${patch.stopGraceSeconds}s`;
    if (merged.stopGraceTemplate !== null) {
      infos.push(`service "${name}": stop_grace_period is templated (${merged.stopGraceTemplate}), left as written: it must be at least ${wanted}`);
    } else {
      const current = merged.stopGraceSeconds ?? COMPOSE_DEFAULT_GRACE_SECONDS;
      if (current < patch.stopGraceSeconds) {
        if (isScalar(grace)) {
          const s = replaceScalar(grace, wanted);
          if (s) splices.push(s);
        } else {
          add.push(`stop_grace_period: ${wanted}`);
        }
        done.push(`stop_grace_period ${merged.stopGraceSeconds === null ? `${COMPOSE_DEFAULT_GRACE_SECONDS}s (default)` : String(isScalar(grace) ? grace.value : `${current}s (inherited)`)} -> ${wanted}`);
      }
    }

    if (add.length > 0) {
      const s = appendToMap(source, svc, add, eol);
      if (s) splices.push(s);
    }
    if (done.length > 0) changes.push(`${name}: ${done.join(', ')}`);
  }

  // Alias-only services share the node they alias: covered when that node is patched, else reported.
  for (const [name, patch] of Object.entries(services)) {
    const merged = effective.find((s) => s.name === name);
    if (merged?.aliasOf == null) continue;
    const target = patchedAnchors.get(merged.aliasOf);
    if (target !== undefined) {
      infos.push(`service "${name}" is an alias of *${merged.aliasOf} (service "${target}"): it gets the same stop settings`);
    } else {
      warnings.push(`service "${name}" is only an alias (*${merged.aliasOf}): left as it is; to patch it, write it as a mapping ` +
        `(\`${name}: { <<: *${merged.aliasOf}, ... }\`) with ${wantedText(patch, merged)}`);
    }
  }
  const text = splices.length === 0 ? source : applySplices(source, splices);
  return { text: text === source ? false : text, warnings, changes, infos };
}

function wantedText(patch: ComposeServicePatch, merged: ComposeService): string {
  const parts: string[] = [];
  if (patch.init && merged.init == null) parts.push('init: true');
  parts.push(`stop_signal: ${patch.stopSignal}`);
  parts.push(`stop_grace_period of at least ${patch.stopGraceSeconds}s`);
  return parts.join(', ');
}

function normaliseSignal(text: string): string {
  const s = text.trim().toUpperCase();
  const numbers: Record<string, string> = { '15': 'SIGTERM', '3': 'SIGQUIT', '2': 'SIGINT', '28': 'SIGWINCH' };
  return numbers[s] ?? (s.startsWith('SIG') ? s : `SIG${s}`);
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

/**
 * docker compose files: read each service's stop settings, and give the app's services
 * `init: true` (when the image brings no init), a `stop_signal` when the one in force does not stop
 * the app gracefully, and a `stop_grace_period` only when the one in force (written, inherited
 * through a merge key, or compose's 10 s default) is shorter than the app needs. Templated values
 * (`${STOP_GRACE:-5s}`) stay as written and are reported. Files with several YAML documents are
 * read and patched document by document; a service that is only an alias (`api2: *app`) is covered
 * by the service it aliases, or reported. Edits are splices at node ranges: comments and formatting stay.
 */
import { isAlias, isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { applySplices, detectEol, type Splice } from './dockerfile/text-splice.js';
import { appendToMap, isBlockMap, replaceScalar } from './yaml-splice.js';
import { parseDocs, readCompose, type ComposeService } from '../detect/compose-file.js';
import { countEditRun } from '../core/edit-runs.js';
import { note, type EditResult } from '../core/edit-result.js';

// Readers live in detect/ (detection reads each file once); named here too for the edits' callers.

/** compose's stop timeout when the file says none. */
export const COMPOSE_DEFAULT_GRACE_SECONDS = 10;

export interface ComposeServicePatch {
  /** Add `init: true`: the image has no init of its own. */
  init: boolean;
  stopSignal: string;
  /** Other signals the app also stops gracefully on: a service that already sends one keeps it. */
  alsoGraceful?: string[];
  /** stop_grace_period is raised to this when the one in force is shorter. */
  stopGraceSeconds: number;
}

/**
 * Notes: first the infos (templated values left as written, aliases covered by their anchor), then the
 * warnings. `data.changes`: what was written, per service, for the plan:
 * `api: init: true, stop_grace_period 10 s (default) -> 15s`.
 */
export type ComposePatchResult = EditResult<{ changes: string[] }>;

function result(text: string | false, infos: string[], warnings: string[], changes: string[]): ComposePatchResult {
  return { text, notes: [...infos.map((m) => note('info', m)), ...warnings.map((m) => note('warn', m))], data: { changes } };
}

/** Apply the patch to each named service (others stay untouched), in whichever document defines it. */
export function patchCompose(source: string, services: Record<string, ComposeServicePatch>): ComposePatchResult {
  countEditRun('patchCompose', source, services);
  const warnings: string[] = [];
  const infos: string[] = [];
  const changes: string[] = [];
  const docs = parseDocs(source);
  const broken = docs?.find((d) => d.errors.length > 0);
  if (docs === null || broken) {
    return result(false, infos, [`does not parse as YAML: ${broken?.errors[0]?.message.split('\n')[0] ?? 'unreadable'}`], changes);
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
    const pair = isMap(servicesNode)
      ? (servicesNode.items as Pair<Node, Node>[]).find((p) => isScalar(p.key) && String(p.key.value) === name)
      : undefined;
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
    if (patch.init && merged.init === false) {
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
      infos.push(
        `service "${name}": stop_grace_period is templated (${merged.stopGraceTemplate}), left as written: it must be at least ${wanted}`,
      );
    } else {
      const current = merged.stopGraceSeconds ?? COMPOSE_DEFAULT_GRACE_SECONDS;
      if (current < patch.stopGraceSeconds) {
        if (isScalar(grace)) {
          const s = replaceScalar(grace, wanted);
          if (s) splices.push(s);
        } else {
          add.push(`stop_grace_period: ${wanted}`);
        }
        done.push(
          `stop_grace_period ${merged.stopGraceSeconds === null ? `${COMPOSE_DEFAULT_GRACE_SECONDS}s (default)` : String(isScalar(grace) ? grace.value : `${current}s (inherited)`)} -> ${wanted}`,
        );
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
      warnings.push(
        `service "${name}" is only an alias (*${merged.aliasOf}): left as it is; to patch it, write it as a mapping ` +
          `(\`${name}: { <<: *${merged.aliasOf}, ... }\`) with ${wantedText(patch, merged)}`,
      );
    }
  }
  const text = splices.length === 0 ? source : applySplices(source, splices);
  return result(text === source ? false : text, infos, warnings, changes);
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

/**
 * The timeout chain a repo declares today, read from its Dockerfiles, compose files and
 * Kubernetes manifests, for the plan's "found / set / contradictions" notes.
 */
import { posix } from 'node:path';
import type { App, ContainerFacts } from '../detect/facts.js';
import type { Answers } from '../answers.js';
import type { ComposeService } from '../detect/compose-file.js';
import { K8S_DEFAULT_GRACE_SECONDS } from '../edits/k8s.js';
import type { K8sWorkload } from '../detect/k8s-file.js';
import { composeServices, k8sWorkloads } from '../detect/container-files.js';
import { dockerfileFacts } from '../detect/dockerfile-facts.js';
import {
  checkChain,
  gunicornConfTimeout,
  serverTimeoutOf,
  type ChainInput,
  type ChainLink,
  type ChainReport,
} from '../core/timeout-chain.js';
import type { GeneratorContext } from './types.js';
import { serviceContextDir } from './compose-services.js';
import { appContainersOf, imageOwners } from './workload-owners.js';

/** Docker's stop timeout when nothing else is said (`docker stop`, compose). */
export const DOCKER_DEFAULT_GRACE_SECONDS = 10;

/**
 * The gunicorn config a command started from `dir` reads, through `read` (the planned files: what
 * this run writes counts, so a re-run does not report the default it already replaced).
 */
function gunicornConfReader(read: (path: string) => string | null, dir: string) {
  return (configPath: string | null): { seconds: number; file: string } | null => {
    if (configPath?.startsWith('python:')) return null;
    const file = posix.normalize(posix.join(dir, configPath ?? 'gunicorn.conf.py'));
    const source = read(file);
    const seconds = source === null ? null : gunicornConfTimeout(source);
    return seconds === null ? null : { seconds, file };
  };
}

/** Which compose services and workloads are the app's (the chain of one app leaves the others out). */
export interface ChainScope {
  service(file: string, service: ComposeService): boolean;
  workload(file: string, workload: K8sWorkload): boolean;
}

/**
 * A Dockerfile's links, with every text they were read from (the Dockerfile, a gunicorn config): every
 * app's chain lists every Dockerfile of the repo, and the links only change with those texts.
 */
const dockerfileLinkCache = new Map<string, { reads: [string, string | null][]; links: readonly ChainLink[] }>();

function dockerfileLinks(read: (path: string) => string | null, file: string): readonly ChainLink[] {
  const hit = dockerfileLinkCache.get(file);
  // Equal texts may be different strings: keep the ones read now, which the next app's read returns again.
  const same = (entry: [string, string | null]): boolean => {
    const text = read(entry[0]);
    if (text !== entry[1]) return false;
    entry[1] = text;
    return true;
  };
  if (hit?.reads.every(same)) return hit.links;
  const reads: [string, string | null][] = [];
  const tracked = (path: string): string | null => {
    const text = read(path);
    reads.push([path, text]);
    return text;
  };
  const links: ChainLink[] = [];
  const source = tracked(file);
  for (const clue of source === null ? [] : dockerfileFacts(source, file).timeoutClues) {
    if (clue.kind === 'env-budget') {
      links.push({
        kind: 'app-budget',
        seconds: clue.ms / 1000,
        what: 'GRACEFUL_SHUTDOWN_TIMEOUT_MS (Dockerfile ENV)',
        file,
        isDefault: false,
      });
      continue;
    }
    const server = serverTimeoutOf(clue.words, gunicornConfReader(tracked, posix.dirname(file)));
    if (server) links.push({ kind: 'server-timeout', seconds: server.seconds, what: server.server, file, isDefault: server.isDefault });
  }
  if (dockerfileLinkCache.size >= 4096) dockerfileLinkCache.delete(dockerfileLinkCache.keys().next().value!);
  const frozen = Object.freeze(links.map((l) => Object.freeze(l)));
  dockerfileLinkCache.set(file, { reads, links: frozen });
  return frozen;
}

/**
 * The timeout links the repo declares. `unknown` receives what has no number here (templated
 * values, preStop hooks of unknown length), for the plan.
 */
export function readRepoChain(
  read: (path: string) => string | null,
  container: ContainerFacts,
  scope?: ChainScope,
  unknown?: string[],
): ChainLink[] {
  const links: ChainLink[] = [];
  const templated: string[] = [];
  for (const file of container.dockerfiles) links.push(...dockerfileLinks(read, file));
  let composeGraceDeclared = false;
  for (const file of container.composeFiles) {
    const source = read(file);
    if (source === null) continue;
    for (const svc of composeServices(source, file)) {
      if (svc.buildContext === null) continue; // images we do not build are not the app
      if (scope && !scope.service(file, svc)) continue;
      const what = `compose service "${svc.name}" stop_grace_period`;
      if (svc.stopGraceTemplate !== null) {
        // `${STOP_GRACE:-5s}`: the value is chosen where the file is used; the plan says what it must be.
        templated.push(`${what} is templated (${svc.stopGraceTemplate})`);
        composeGraceDeclared = true;
        continue;
      }
      links.push({
        kind: 'compose-grace',
        seconds: svc.stopGraceSeconds ?? DOCKER_DEFAULT_GRACE_SECONDS,
        what,
        file,
        isDefault: svc.stopGraceSeconds === null,
      });
      composeGraceDeclared = true;
      if (svc.budgetMs !== null) {
        links.push({
          kind: 'app-budget',
          seconds: svc.budgetMs / 1000,
          what: `GRACEFUL_SHUTDOWN_TIMEOUT_MS (compose "${svc.name}")`,
          file,
          isDefault: false,
        });
      }
      const server = svc.command
        ? serverTimeoutOf(svc.command, gunicornConfReader(read, posix.join(posix.dirname(file), svc.buildContext)))
        : null;
      if (server)
        links.push({
          kind: 'server-timeout',
          seconds: server.seconds,
          what: `${server.server} (compose "${svc.name}")`,
          file,
          isDefault: server.isDefault,
        });
    }
  }
  if (container.dockerfiles.length > 0 && !composeGraceDeclared) {
    links.push({ kind: 'docker-grace', seconds: DOCKER_DEFAULT_GRACE_SECONDS, what: '`docker stop` timeout', isDefault: true });
  }
  for (const file of container.k8sManifests) {
    const source = read(file);
    if (source === null) continue;
    for (const w of k8sWorkloads(source, file)) {
      if (scope && !scope.workload(file, w)) continue;
      const workload = `${file}#${w.kind}/${w.name}`;
      if (w.graceTemplate !== null) {
        templated.push(`${w.kind} "${w.name}" terminationGracePeriodSeconds is templated (${w.graceTemplate})`);
        continue;
      }
      links.push({
        kind: 'k8s-grace',
        seconds: w.graceSeconds ?? K8S_DEFAULT_GRACE_SECONDS,
        what: `${w.kind} "${w.name}" terminationGracePeriodSeconds`,
        file,
        isDefault: w.graceSeconds === null,
        workload,
      });
      const preStops = w.containers.map((c) => c.preStopSeconds).filter((s): s is number => s !== null && !Number.isNaN(s));
      const hooks = w.containers.filter((c) => c.preStop !== null && c.preStop.kind !== 'sleep');
      if (hooks.length > 0)
        templated.push(
          `${w.kind} "${w.name}" preStop ${hooks.map((c) => c.preStop!.kind).join(', ')} (its time counts against the grace period)`,
        );
      if (preStops.length > 0) {
        links.push({
          kind: 'prestop',
          seconds: Math.max(...preStops),
          what: `${w.kind} "${w.name}" preStop sleep`,
          file,
          isDefault: false,
          workload,
        });
      }
      for (const c of w.containers) {
        if (c.budgetMs !== null) {
          links.push({
            kind: 'app-budget',
            seconds: c.budgetMs / 1000,
            what: `GRACEFUL_SHUTDOWN_TIMEOUT_MS (${w.kind} "${w.name}")`,
            file,
            isDefault: false,
          });
        }
      }
    }
  }
  unknown?.push(...templated);
  return links;
}

/** Whether the app answers requests (and so needs the preStop delay). */
export function servesTraffic(app: App): boolean {
  if (app.kind === 'node') return app.servesTraffic;
  return app.server !== 'none' || !['plain', 'asyncio'].includes(app.framework);
}

export function chainInput(app: App, answers: Answers): ChainInput {
  return { timeoutMs: answers.timeoutMs, preStopSeconds: answers.preStopSeconds, servesTraffic: servesTraffic(app) };
}

/** The chain report for an app: found links, the target, contradictions. */
export function chainReport(
  read: (path: string) => string | null,
  container: ContainerFacts,
  app: App,
  answers: Answers,
  scope?: ChainScope,
  unknown?: string[],
): ChainReport {
  return checkChain(readRepoChain(read, container, scope, unknown), chainInput(app, answers));
}

/**
 * The report as plan notes: the found/set explanation (info) and each contradiction (warn).
 * "Set" says what the chain needs: grace periods already longer stay as they are (nothing in force
 * is lowered). The Kubernetes link is named only when the repo has manifests: without them it is a
 * number no file holds. Notes with the same text print once (the plan drops repeats).
 */
export function chainNotes(
  report: ChainReport,
  container?: ContainerFacts,
  unknown: readonly string[] = [],
): { type: 'plan-note'; level: 'info' | 'warn'; message: string }[] {
  const kubernetes = container === undefined || container.k8sManifests.length > 0;
  const t = report.target;
  const set =
    `Timeout chain set: app budget ${seconds(t.appBudgetMs / 1000)} < stop grace at least ${seconds(t.stopGraceSeconds)}` +
    (!kubernetes
      ? ''
      : t.preStopSeconds > 0
        ? ` < Kubernetes grace at least ${seconds(t.k8sGraceSeconds)} (preStop ${seconds(t.preStopSeconds)} + ${seconds(t.stopGraceSeconds)})`
        : ` <= Kubernetes grace at least ${seconds(t.k8sGraceSeconds)}`) +
    '; longer grace periods in force are kept';
  const explanation = report.explanation.map((line) => (line.startsWith('Timeout chain set:') ? set : line));
  if (unknown.length > 0) explanation.splice(1, 0, `Timeout chain, not known here: ${unknown.join('; ')}`);
  return [
    ...explanation.map((message) => ({ type: 'plan-note' as const, level: 'info' as const, message })),
    ...report.contradictions.map((message) => ({
      type: 'plan-note' as const,
      level: 'warn' as const,
      message: `timeout chain: ${message}`,
    })),
  ];
}

function seconds(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}

/**
 * Which container generator prints the chain notes: the first of docker, compose, k8s that runs
 * (they run in that order), so the "found" chain is read before any of them changed a file.
 */
export function ownsChainNotes(part: 'docker' | 'compose' | 'k8s', parts: readonly string[], container: ContainerFacts): boolean {
  const runs = (p: string): boolean =>
    parts.includes(p) && (p === 'docker' || (p === 'compose' ? container.composeFiles.length > 0 : container.k8sManifests.length > 0));
  return (['docker', 'compose', 'k8s'] as const).find(runs) === part;
}

/** The app's compose services and Kubernetes workloads: its chain leaves other apps and foreign images out. */
export function appScope(ctx: GeneratorContext): ChainScope {
  const owners = imageOwners(ctx.facts, ctx.current);
  // Celery services built from the app's image run the worker, not the app: its budget and
  // gunicorn's graceful_timeout say nothing about them (their own note says what their grace must be).
  const celery = ctx.app.kind === 'python' ? (ctx.app.celery ?? []).flatMap((c) => (c.composeService ? [c.composeService] : [])) : [];
  const isCelery = (file: string, svc: ComposeService): boolean => celery.some((c) => c.file === file && c.service === svc.name);
  return {
    service: (file, svc) =>
      !isCelery(file, svc) &&
      (serviceContextDir(file, svc) === ctx.app.dir ||
        (svc.dockerfile !== null &&
          posix.dirname(posix.join(serviceContextDir(file, svc) ?? '', svc.dockerfile)).replace(/^\.$/, '') === ctx.app.dir)),
    workload: (_file, w) => appContainersOf(owners, ctx.app, w.containers) !== null,
  };
}

/** The chain notes for one app, from its own services and workloads. */
export function appChainNotes(ctx: GeneratorContext): ReturnType<typeof chainNotes> {
  const unknown: string[] = [];
  const scope = appScope(ctx);
  const report = chainReport(ctx.current, ctx.facts.container, ctx.app, ctx.answers, scope, unknown);
  const owned = ctx.facts.container.k8sManifests.some((file) =>
    k8sWorkloads(ctx.current(file) ?? '', file).some((w) => scope.workload(file, w)),
  );
  const container = owned ? ctx.facts.container : { ...ctx.facts.container, k8sManifests: [] };
  return chainNotes(report, container, unknown);
}

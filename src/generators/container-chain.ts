/**
 * The timeout chain a repo declares today, read from its Dockerfiles, compose files and
 * Kubernetes manifests, for the plan's "found / set / contradictions" notes.
 */
import { posix } from 'node:path';
import type { App, ContainerFacts } from '../detect/facts.js';
import type { Answers } from '../answers.js';
import { readCompose } from '../edits/compose.js';
import { K8S_DEFAULT_GRACE_SECONDS, readK8s } from '../edits/k8s.js';
import { parseStages } from '../edits/dockerfile/stages.js';
import { checkChain, gunicornConfTimeout, serverTimeoutOf, type ChainInput, type ChainLink, type ChainReport } from '../core/timeout-chain.js';
import { splitSimpleCommand } from '../edits/dockerfile/shell-words.js';
import type { GeneratorContext } from './types.js';

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

export function readRepoChain(read: (path: string) => string | null, container: ContainerFacts): ChainLink[] {
  const links: ChainLink[] = [];
  for (const file of container.dockerfiles) {
    const source = read(file);
    if (source === null) continue;
    const { stages } = parseStages(source);
    const final = stages[stages.length - 1];
    if (!final) continue;
    for (const i of final.instructions) {
      const text = i.getArgumentsContent() ?? '';
      if (i.getKeyword() === 'ENV') {
        const m = /GRACEFUL_SHUTDOWN_TIMEOUT_MS[= ]\s*"?(\d+)/.exec(text);
        if (m) links.push({ kind: 'app-budget', seconds: Number(m[1]) / 1000, what: 'GRACEFUL_SHUTDOWN_TIMEOUT_MS (Dockerfile ENV)', file, isDefault: false });
      }
      if (i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT') {
        const words = text.trim().startsWith('[') ? safeJson(text) : splitSimpleCommand(text) ?? text.split(/\s+/);
        const server = serverTimeoutOf(words, gunicornConfReader(read, posix.dirname(file)));
        if (server) links.push({ kind: 'server-timeout', seconds: server.seconds, what: server.server, file, isDefault: server.isDefault });
      }
    }
  }
  let composeGraceDeclared = false;
  for (const file of container.composeFiles) {
    const source = read(file);
    if (source === null) continue;
    for (const svc of readCompose(source)) {
      if (svc.buildContext === null) continue; // images we do not build are not the app
      const what = `compose service "${svc.name}" stop_grace_period`;
      links.push({ kind: 'compose-grace', seconds: svc.stopGraceSeconds ?? DOCKER_DEFAULT_GRACE_SECONDS, what, file, isDefault: svc.stopGraceSeconds === null });
      composeGraceDeclared = true;
      if (svc.budgetMs !== null) {
        links.push({ kind: 'app-budget', seconds: svc.budgetMs / 1000, what: `GRACEFUL_SHUTDOWN_TIMEOUT_MS (compose "${svc.name}")`, file, isDefault: false });
      }
      const server = svc.command ? serverTimeoutOf(svc.command, gunicornConfReader(read, posix.join(posix.dirname(file), svc.buildContext))) : null;
      if (server) links.push({ kind: 'server-timeout', seconds: server.seconds, what: `${server.server} (compose "${svc.name}")`, file, isDefault: server.isDefault });
    }
  }
  if (container.dockerfiles.length > 0 && !composeGraceDeclared) {
    links.push({ kind: 'docker-grace', seconds: DOCKER_DEFAULT_GRACE_SECONDS, what: '`docker stop` timeout', isDefault: true });
  }
  for (const file of container.k8sManifests) {
    const source = read(file);
    if (source === null) continue;
    for (const w of readK8s(source)) {
      const workload = `${file}#${w.kind}/${w.name}`;
      links.push({
        kind: 'k8s-grace', seconds: w.graceSeconds ?? K8S_DEFAULT_GRACE_SECONDS,
        what: `${w.kind} "${w.name}" terminationGracePeriodSeconds`, file, isDefault: w.graceSeconds === null, workload,
      });
      const preStops = w.containers.map((c) => c.preStopSeconds).filter((s): s is number => s !== null && !Number.isNaN(s));
      if (preStops.length > 0) {
        links.push({ kind: 'prestop', seconds: Math.max(...preStops), what: `${w.kind} "${w.name}" preStop sleep`, file, isDefault: false, workload });
      }
      for (const c of w.containers) {
        if (c.budgetMs !== null) {
          links.push({ kind: 'app-budget', seconds: c.budgetMs / 1000, what: `GRACEFUL_SHUTDOWN_TIMEOUT_MS (${w.kind} "${w.name}")`, file, isDefault: false });
        }
      }
    }
  }
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
export function chainReport(read: (path: string) => string | null, container: ContainerFacts, app: App, answers: Answers): ChainReport {
  return checkChain(readRepoChain(read, container), chainInput(app, answers));
}

/**
 * The report as plan notes: the found/set explanation (info) and each contradiction (warn).
 * The Kubernetes link is named only when the repo has manifests: without them it is a number no
 * file holds. Notes with the same text print once (the plan drops repeats), so apps that share a
 * chain share one line.
 */
export function chainNotes(report: ChainReport, container?: ContainerFacts): { type: 'plan-note'; level: 'info' | 'warn'; message: string }[] {
  const kubernetes = container === undefined || container.k8sManifests.length > 0;
  const explanation = kubernetes ? report.explanation : report.explanation.map((line) =>
    line.startsWith('Timeout chain set:')
      ? `Timeout chain set: app budget ${seconds(report.target.appBudgetMs / 1000)} < stop grace ${seconds(report.target.stopGraceSeconds)}`
      : line);
  return [
    ...explanation.map((message) => ({ type: 'plan-note' as const, level: 'info' as const, message })),
    ...report.contradictions.map((message) => ({ type: 'plan-note' as const, level: 'warn' as const, message: `timeout chain: ${message}` })),
  ];
}

function seconds(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}

function safeJson(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return text.split(/\s+/);
  }
}

/**
 * Which container generator prints the chain notes: the first of docker, compose, k8s that runs
 * (they run in that order), so the "found" chain is read before any of them changed a file.
 */
export function ownsChainNotes(part: 'docker' | 'compose' | 'k8s', parts: readonly string[], container: ContainerFacts): boolean {
  const runs = (p: string): boolean => parts.includes(p) &&
    (p === 'docker' || (p === 'compose' ? container.composeFiles.length > 0 : container.k8sManifests.length > 0));
  return (['docker', 'compose', 'k8s'] as const).find(runs) === part;
}

/** A frontend dev server with no backend entrypoint of its own. */
function isDevServerOnly(app: App): boolean {
  return app.kind === 'node' && app.entrypoint === null;
}

/**
 * Whether this app's chain covers the repo's Kubernetes workloads. Manifests are not tied to apps; when a
 * served app is treated too, the workloads are its (a dev server beside it would only contradict its chain).
 */
export function ownsKubernetes(ctx: GeneratorContext): boolean {
  if (!isDevServerOnly(ctx.app)) return true;
  return !ctx.facts.apps.some((a) => ctx.answers.apps.includes(a.dir) && !isDevServerOnly(a));
}

/** The chain notes for one app; Kubernetes is left out where another app owns it (see ownsKubernetes). */
export function appChainNotes(ctx: GeneratorContext): ReturnType<typeof chainNotes> {
  const container = ownsKubernetes(ctx) ? ctx.facts.container : { ...ctx.facts.container, k8sManifests: [] };
  return chainNotes(chainReport(ctx.current, container, ctx.app, ctx.answers), container);
}

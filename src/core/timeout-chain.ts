/**
 * One timeout chain from the app to the orchestrator:
 *   app budget < docker/compose stop grace < Kubernetes grace (which also covers the preStop sleep).
 * Each layer kills the one inside it when its own limit runs out, so each must leave the inner
 * one its whole budget plus a margin. Here: the chain we set, the chain a repo has, and where
 * the repo contradicts itself.
 */

export interface ChainInput {
  /** The app's own shutdown budget, in ms (Answers.timeoutMs). */
  timeoutMs: number;
  /** preStop sleep, in seconds (Answers.preStopSeconds). */
  preStopSeconds: number;
  /** Only apps that serve traffic need the preStop sleep (endpoint removal races SIGTERM). */
  servesTraffic: boolean;
}

export interface TargetChain {
  appBudgetMs: number;
  /** docker stop -t / compose stop_grace_period. */
  stopGraceSeconds: number;
  preStopSeconds: number;
  /** terminationGracePeriodSeconds: preStop + stop grace. */
  k8sGraceSeconds: number;
}

/** Margin between the app's budget and the kill: flushing logs, exiting, a slow event loop. */
export function marginMs(budgetMs: number): number {
  return Math.max(2000, Math.ceil(budgetMs * 0.25));
}

export function targetChain(input: ChainInput): TargetChain {
  const stopGraceSeconds = Math.ceil((input.timeoutMs + marginMs(input.timeoutMs)) / 1000);
  const preStopSeconds = input.servesTraffic ? input.preStopSeconds : 0;
  return {
    appBudgetMs: input.timeoutMs,
    stopGraceSeconds,
    preStopSeconds,
    k8sGraceSeconds: preStopSeconds + stopGraceSeconds,
  };
}

export type LinkKind = 'app-budget' | 'server-timeout' | 'docker-grace' | 'compose-grace' | 'prestop' | 'k8s-grace';

/** One timeout the repo declares (or leaves at its default). */
export interface ChainLink {
  kind: LinkKind;
  seconds: number;
  /** What it is, for people: `compose service "api" stop_grace_period`. */
  what: string;
  file?: string;
  /** Not written anywhere: the platform's default (docker 10 s, Kubernetes 30 s). */
  isDefault: boolean;
  /** For k8s-grace and prestop: the workload they belong to, to pair them. */
  workload?: string;
}

export interface ChainReport {
  found: ChainLink[];
  target: TargetChain;
  /** Where the repo kills the app before its budget runs out, or disagrees with itself. */
  contradictions: string[];
  /** Plain-language lines for the plan: what is there, and what we set. */
  explanation: string[];
}

/**
 * Compare what the repo has with the app's budget. The app budget is the largest of the answer
 * and any budget or server drain timeout found in the repo (the app will use up to that much).
 */
export function checkChain(found: readonly ChainLink[], input: ChainInput): ChainReport {
  const target = targetChain(input);
  const budgets = found.filter((l) => l.kind === 'app-budget' || l.kind === 'server-timeout');
  const budgetSeconds = Math.max(input.timeoutMs / 1000, ...budgets.map((l) => l.seconds));
  const budgetWhat = budgets.find((l) => l.seconds === budgetSeconds)?.what ?? "the app's shutdown budget";
  const contradictions: string[] = [];

  for (const link of found) {
    if (link.kind === 'compose-grace' || link.kind === 'docker-grace') {
      if (link.seconds <= budgetSeconds) {
        contradictions.push(
          `${link.what} is ${fmt(link.seconds)}${link.isDefault ? ' (default)' : ''}, not more than ` +
            `${budgetWhat} (${fmt(budgetSeconds)}): the app is killed before it can finish`,
        );
      }
    }
    if (link.kind === 'k8s-grace') {
      const preStop = found.find((l) => l.kind === 'prestop' && l.workload === link.workload)?.seconds ?? 0;
      if (link.seconds <= preStop + budgetSeconds) {
        contradictions.push(
          `${link.what} is ${fmt(link.seconds)}${link.isDefault ? ' (default)' : ''}, not more than ` +
            `preStop ${fmt(preStop)} + ${budgetWhat} ${fmt(budgetSeconds)}: Kubernetes kills the pod before the app can finish`,
        );
      }
    }
  }
  for (const b of budgets) {
    if (b.seconds * 1000 > input.timeoutMs && b.kind === 'app-budget') {
      contradictions.push(`${b.what} is ${fmt(b.seconds)}, more than the ${fmt(input.timeoutMs / 1000)} budget chosen now`);
    }
  }

  const explanation = [
    'Timeout chain found: ' +
      (found.length === 0 ? 'none declared' : found.map((l) => `${l.what} ${fmt(l.seconds)}${l.isDefault ? ' (default)' : ''}`).join('; ')),
    `Timeout chain set: app budget ${fmt(target.appBudgetMs / 1000)} < stop grace ${fmt(target.stopGraceSeconds)}` +
      (target.preStopSeconds > 0
        ? ` < Kubernetes grace ${fmt(target.k8sGraceSeconds)} (preStop ${fmt(target.preStopSeconds)} + ${fmt(target.stopGraceSeconds)})`
        : ` <= Kubernetes grace ${fmt(target.k8sGraceSeconds)}`),
  ];
  return { found: [...found], target, contradictions, explanation };
}

function fmt(seconds: number): string {
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/**
 * Seconds in a compose/Go duration (`1m30s`, `10s`, `500ms`, `1.5h`), or a bare number of seconds.
 * Null when it is neither.
 */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, µs: 0.000001, ns: 1e-9 };
  let total = 0;
  let rest = text;
  while (rest.length > 0) {
    const m = /^(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * unit[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return text.length > 0 ? total : null;
}

/**
 * Seconds a server command drains for: uvicorn --timeout-graceful-shutdown, gunicorn
 * --graceful-timeout, else the gunicorn config's `graceful_timeout` (`gunicornConf` reads it from
 * the `-c` file, or ./gunicorn.conf.py when null, as gunicorn does), else gunicorn's default 30.
 */
export function serverTimeoutOf(
  words: readonly string[],
  gunicornConf?: (configPath: string | null) => { seconds: number; file: string } | null,
): { server: string; seconds: number; isDefault: boolean } | null {
  const text = words.join(' ');
  const flag = (name: string): number | null => {
    const m = new RegExp(`${name}(?:=|\\s+)(\\d+(?:\\.\\d+)?)`).exec(text);
    return m ? Number(m[1]) : null;
  };
  if (/\bgunicorn\b/.test(text)) {
    const s = flag('--graceful-timeout');
    if (s !== null) return { server: 'gunicorn graceful_timeout', seconds: s, isDefault: false };
    const config = /(?:^|\s)(?:-c|--config)(?:=|\s+)(\S+)/.exec(text)?.[1] ?? null;
    const conf = gunicornConf?.(config) ?? null;
    if (conf) return { server: `gunicorn graceful_timeout (${conf.file})`, seconds: conf.seconds, isDefault: false };
    return { server: 'gunicorn graceful_timeout', seconds: 30, isDefault: true };
  }
  if (/\buvicorn\b/.test(text)) {
    const s = flag('--timeout-graceful-shutdown');
    return s === null ? null : { server: 'uvicorn --timeout-graceful-shutdown', seconds: s, isDefault: false };
  }
  return null;
}

/** `graceful_timeout = N` at the top level of a gunicorn config file; null when it is not a plain number. */
export function gunicornConfTimeout(source: string): number | null {
  const m = /^graceful_timeout\s*=\s*(\d+(?:\.\d+)?)\s*(?:#.*)?$/m.exec(source);
  return m ? Number(m[1]) : null;
}

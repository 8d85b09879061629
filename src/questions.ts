/**
 * Every question, declared once: its flag, how to parse and validate a flag value, how to ask it,
 * and its default from the detected facts. The CLI derives flags, --help, prompts and defaults
 * from this list; nothing else declares a question.
 */
import { PARTS, type Answers, type Part } from './answers.js';
import type { App, Facts } from './detect/facts.js';
import { UsageError } from './core/errors.js';

export interface Choice<V> {
  title: string;
  value: V;
  description?: string;
}

export interface Question<K extends keyof Answers = keyof Answers> {
  key: K;
  /** Long flag, without dashes. */
  flag: string;
  /** Placeholder in --help. */
  arg: string;
  help: string;
  /** Prompt text; undefined means never prompted (flag or default only). */
  message?: string;
  kind: 'number' | 'select' | 'multiselect';
  choices?: (facts: Facts) => Choice<unknown>[];
  /** Whether to ask at all for these facts (e.g. the k8s preStop only when manifests exist). */
  relevant?: (facts: Facts) => boolean;
  default: (facts: Facts) => Answers[K];
  /** Parse a flag value; throws UsageError with what is allowed. */
  parse: (raw: string, facts: Facts) => Answers[K];
}

/** The repo-relative dir of an app as users type it: '.' for the root. */
export function appLabel(app: App): string {
  return app.dir === '' ? '.' : app.dir;
}

export function isTreatable(app: App): boolean {
  // A Node app run by a framework runner (`next start`) has no file to wire, but its container part still applies.
  return app.kind === 'python' ? app.entrypoint !== null : app.entrypoint !== null || app.devServer !== null || app.process?.runner != null;
}

/** Treated by default: Python apps, Node apps that serve traffic, and dev servers (not libraries). */
export function isWanted(app: App): boolean {
  if (!isTreatable(app)) return false;
  return app.kind === 'python' || app.devServer !== null || app.servesTraffic;
}

function integer(flag: string, min: number, max: number): (raw: string) => number {
  return (raw) => {
    if (!/^\d+$/.test(raw.trim())) throw new UsageError(`--${flag} takes a whole number, got '${raw}'`);
    const n = Number(raw.trim());
    if (n < min || n > max) throw new UsageError(`--${flag} must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

/** A comma-separated list; one that names nothing (`--only ,`) is a usage error, not "nothing to do". */
function list(raw: string, flag: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${flag} names nothing (got '${raw}'); give one or more, comma-separated`);
  return items;
}

const apps: Question<'apps'> = {
  key: 'apps',
  flag: 'apps',
  arg: '<dirs>',
  help: "apps to treat, comma-separated dirs ('.' is the root); default: every app with an entrypoint or dev server",
  message: 'Which apps should get graceful shutdown?',
  kind: 'multiselect',
  choices: (facts) =>
    facts.apps
      .filter(isTreatable)
      .map((a) => ({ title: `${appLabel(a)} (${a.kind === 'node' ? 'Node' : 'Python'}: ${a.name})`, value: a.dir })),
  relevant: (facts) => facts.apps.filter(isTreatable).length > 1,
  default: (facts) => facts.apps.filter(isWanted).map((a) => a.dir),
  parse: (raw, facts) => {
    const known = facts.apps.filter(isTreatable);
    return list(raw, 'apps').map((label) => {
      const dir = label === '.' ? '' : label.replace(/^\.\//, '').replace(/\/$/, '');
      if (!known.some((a) => a.dir === dir)) {
        throw new UsageError(`--apps: no app with an entrypoint at '${label}'; found: ${known.map(appLabel).join(', ') || 'none'}`);
      }
      return dir;
    });
  },
};

const parts: Question<'parts'> = {
  key: 'parts',
  flag: 'only',
  arg: '<parts>',
  help: `parts to generate, comma-separated: ${PARTS.join(', ')}; default: all that apply`,
  kind: 'multiselect',
  default: () => [...PARTS],
  parse: (raw) =>
    list(raw, 'only').map((p) => {
      if (!(PARTS as readonly string[]).includes(p)) throw new UsageError(`--only: unknown part '${p}'; choose from ${PARTS.join(', ')}`);
      return p as Part;
    }),
};

const timeoutMs: Question<'timeoutMs'> = {
  key: 'timeoutMs',
  flag: 'timeout',
  arg: '<ms>',
  help: 'shutdown budget of the app in ms; docker stop kills after 10 s (default 8000)',
  message: 'Shutdown budget in milliseconds (in-flight requests and cleanup must finish within it)',
  kind: 'number',
  default: () => 8000,
  parse: integer('timeout', 100, 600_000),
};

const shutdownDelayMs: Question<'shutdownDelayMs'> = {
  key: 'shutdownDelayMs',
  flag: 'shutdown-delay',
  arg: '<ms>',
  help: 'delay between failing readiness and closing listeners, for load balancers to catch up (default 0)',
  message: 'Delay before closing listeners, in milliseconds (0 unless a load balancer needs time to notice)',
  kind: 'number',
  default: () => 0,
  parse: integer('shutdown-delay', 0, 120_000),
};

const exitMode: Question<'exitMode'> = {
  key: 'exitMode',
  flag: 'exit-code',
  arg: '<zero|signal>',
  help: "exit status after a clean shutdown: 'zero' (0) or 'signal' (re-raise: 128+n, e.g. 143); default zero",
  message: 'Exit status after a clean shutdown',
  kind: 'select',
  choices: () => [
    { title: '0 (clean exit)', value: 'zero' },
    { title: '128+signal (re-raise the signal, e.g. 143 for SIGTERM)', value: 'signal' },
  ],
  default: () => 'zero',
  parse: (raw) => {
    if (raw !== 'zero' && raw !== 'signal') throw new UsageError(`--exit-code takes 'zero' or 'signal', got '${raw}'`);
    return raw;
  },
};

const preStopSeconds: Question<'preStopSeconds'> = {
  key: 'preStopSeconds',
  flag: 'pre-stop',
  arg: '<s>',
  help: 'Kubernetes preStop sleep in seconds, for endpoint removal to propagate (default 5)',
  message: 'Kubernetes preStop sleep in seconds',
  kind: 'number',
  relevant: (facts) => facts.container.k8sManifests.length > 0,
  default: () => 5,
  parse: integer('pre-stop', 0, 300),
};

export type AnyQuestion = { [K in keyof Answers]: Question<K> }[keyof Answers];

/** In the order they are asked. */
export const QUESTIONS: readonly AnyQuestion[] = [apps, parts, timeoutMs, shutdownDelayMs, exitMode, preStopSeconds];

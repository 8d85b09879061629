/**
 * `npm start` and friends as a container command put npm (and a shell) between the init and
 * node. Here: recognising such a command and finding the plain command the script runs.
 */
import { basename } from './container-runtime.js';
import { isEnvAssignment, splitSimpleCommand } from './simple-command.js';

export interface ScriptInvocation {
  manager: 'npm' | 'yarn' | 'pnpm' | 'bun';
  script: string;
  /** Words after the script name (`npm start -- --port 3000` → ['--port', '3000']). */
  extraArgs: string[];
}

const YARN_PNPM_BUILTINS = new Set([
  'add',
  'install',
  'remove',
  'upgrade',
  'init',
  'exec',
  'dlx',
  'create',
  'why',
  'info',
  'link',
  'unlink',
  'config',
  'cache',
  'audit',
  'outdated',
  'publish',
  'pack',
  'list',
  'ls',
  'bin',
  'global',
  'workspace',
  'workspaces',
  'import',
  'rebuild',
  'store',
  'set',
  'up',
  'dedupe',
  'node',
  'version',
  'help',
]);

/** The package-manager script a command runs, or null when it is not one. */
export function scriptInvocation(words: readonly string[], scripts: Record<string, string>): ScriptInvocation | null {
  const manager = basename(words[0] ?? '');
  if (manager !== 'npm' && manager !== 'yarn' && manager !== 'pnpm' && manager !== 'bun') return null;
  let rest = words.slice(1).filter((w) => w !== '--silent' && w !== '-s');
  let script: string | undefined;
  if (rest[0] === 'start' || rest[0] === 'test') {
    script = rest[0];
    rest = rest.slice(1);
  } else if (rest[0] === 'run' || rest[0] === 'run-script') {
    script = rest[1];
    rest = rest.slice(2);
  } else if (manager !== 'npm' && rest[0] !== undefined && !YARN_PNPM_BUILTINS.has(rest[0]) && rest[0] in scripts) {
    script = rest[0];
    rest = rest.slice(1);
  }
  if (script === undefined) return null;
  if (rest[0] === '--') rest = rest.slice(1);
  return { manager, script, extraArgs: rest };
}

export type ScriptResolution = { ok: true; words: string[]; chain: string[] } | { ok: false; reason: string; chain: string[] };

/**
 * Follow a script through `npm run x` links to a single simple command and return its words.
 * A script that chains commands (`a && b`), sets variables or uses shell syntax does not
 * resolve: replacing `npm start` with part of it would change what the container does.
 * Programs from node_modules/.bin are given by path, as exec form has no npm-extended PATH.
 */
export function resolveScript(scripts: Record<string, string>, name: string): ScriptResolution {
  const chain: string[] = [];
  let current = name;
  for (;;) {
    if (chain.includes(current)) return { ok: false, reason: `scripts loop (${[...chain, current].join(' → ')})`, chain };
    const text = scripts[current];
    if (text === undefined) return { ok: false, reason: `package.json has no "${current}" script`, chain };
    chain.push(current);
    const words = splitSimpleCommand(text);
    if (words === null) return { ok: false, reason: `"${current}" is not a single command: ${text}`, chain };
    if (isEnvAssignment(words[0]!)) {
      return { ok: false, reason: `"${current}" sets environment variables inline (move them to ENV): ${text}`, chain };
    }
    const next = scriptInvocation(words, scripts);
    if (next !== null) {
      if (next.extraArgs.length > 0) return { ok: false, reason: `"${current}" passes arguments to another script: ${text}`, chain };
      current = next.script;
      continue;
    }
    return { ok: true, words: withBinPath(words), chain };
  }
}

const ON_PATH = /^(node|nodejs|bun|deno|sh|bash|python3?|exec|env)$/;

function withBinPath(words: string[]): string[] {
  const first = words[0]!;
  if (first.includes('/') || ON_PATH.test(first)) return words;
  return [`node_modules/.bin/${first}`, ...words.slice(1)];
}

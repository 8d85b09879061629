/**
 * Following package.json start scripts to the file they really run.
 * `start: "npm run serve"`, `serve: "NODE_ENV=production node dist/server.js"` resolves to
 * `NODE_ENV=production node dist/server.js`, whose target file is `dist/server.js`.
 * Pure string work: no disk, no shell.
 */
import type { StartCommand } from './facts.js';
import { shellWords } from './shell-words.js';

/**
 * Follow `name` through `npm run x` / `yarn x` / `pnpm x` / `bun run x` / `run-s a b` links
 * (the last command of an `&&` or `;` chain is the one that keeps running).
 * Returns null when the script does not exist; `resolved` is null when the chain leads to a
 * script that does not exist or loops.
 */
export function resolveStartScript(scripts: Record<string, string>, name: string): StartCommand | null {
  const raw = scripts[name];
  if (raw === undefined) return null;
  const chain: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined) {
    if (chain.includes(current)) return { script: name, raw, resolved: null, chain };
    const text: string | undefined = scripts[current];
    if (text === undefined) return { script: name, raw, resolved: null, chain };
    chain.push(current);
    const last = lastCommand(text);
    const next = scriptReference(last, scripts);
    if (next === null) return { script: name, raw, resolved: last, chain };
    current = next;
  }
  return { script: name, raw, resolved: null, chain };
}

/**
 * The file a command runs: `node --import tsx src/main.ts` → `src/main.ts`, also through env
 * prefixes, cross-env, tsx, ts-node, nodemon, pm2 start, bun. Null when the command runs no
 * file we can name (`nest start`, `node .`, an `npm run` link, a pm2 ecosystem file).
 */
export function scriptTargetFile(command: string): string | null {
  const words = dropEnvPrefix(shellWords(lastCommand(command)));
  return targetOf(words);
}

/** The last command of an `&&` / `||` / `;` chain, trimmed (quotes respected). */
export function lastCommand(text: string): string {
  const parts = splitChain(text);
  return (parts[parts.length - 1] ?? '').trim();
}

// Runner flags that take the next word as their value (when not written as --flag=value).
const NODE_VALUE_FLAGS = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
  '--env-file',
  '--env-file-if-exists',
  '--inspect-port',
  '--title',
  '-C',
  '--conditions',
  '--input-type',
  '--watch-path',
  '--disable-warning',
]);
const TS_NODE_VALUE_FLAGS = new Set([
  '-P',
  '--project',
  '-O',
  '--compiler-options',
  '--compiler',
  '-C',
  '-r',
  '--require',
  '--cwd',
  '--dir',
  '-I',
  '--ignore',
  '--scope-dir',
  '--file-exists',
]);
const TSX_VALUE_FLAGS = new Set(['--tsconfig', '--include', '--exclude', '--ignore', '--env-file', '--import', '--require', '-r']);
const NODEMON_VALUE_FLAGS = new Set([
  '-w',
  '--watch',
  '-e',
  '--ext',
  '-i',
  '--ignore',
  '-d',
  '--delay',
  '--signal',
  '-s',
  '--config',
  '-x',
  '--exec',
  '--cwd',
  '-C',
]);
const PM2_VALUE_FLAGS = new Set([
  '-n',
  '--name',
  '-i',
  '--instances',
  '--interpreter',
  '--node-args',
  '--interpreter-args',
  '-l',
  '--log',
  '-o',
  '--output',
  '-e',
  '--error',
  '--max-memory-restart',
  '--cwd',
  '--log-date-format',
  '--namespace',
  '--env',
]);
const BUN_VALUE_FLAGS = new Set(['--preload', '-r', '--env-file', '--cwd', '--tsconfig-override']);

function targetOf(words: string[]): string | null {
  let [cmd, ...rest] = words;
  if (cmd === undefined) return null;
  // npx/pnpm exec/yarn dlx just run the next word as the command.
  if (cmd === 'npx' || cmd === 'pnpx') return targetOf(skipFlags(rest, new Set()).rest);
  if ((cmd === 'pnpm' || cmd === 'yarn') && (rest[0] === 'exec' || rest[0] === 'dlx')) return targetOf(rest.slice(1));
  if (cmd === 'bunx') return targetOf(rest);
  cmd = cmd.replace(/^.*node_modules\/\.bin\//, '');
  switch (cmd) {
    case 'node':
    case 'nodejs':
      // `node -e "..."` / `node -p` evaluate code: no file.
      if (rest.some((w) => w === '-e' || w === '--eval' || w === '-p' || w === '--print')) return null;
      return firstFile(rest, NODE_VALUE_FLAGS);
    case 'ts-node':
    case 'ts-node-esm':
    case 'ts-node-dev':
    case 'tsnd':
    case 'babel-node':
    case 'vite-node':
    case 'esno':
    case 'esr':
      return firstFile(rest, TS_NODE_VALUE_FLAGS);
    case 'tsx': {
      const args = rest[0] === 'watch' ? rest.slice(1) : rest;
      return firstFile(args, TSX_VALUE_FLAGS);
    }
    case 'bun': {
      const args = rest[0] === 'run' || rest[0] === '--watch' || rest[0] === '--hot' ? rest.slice(1) : rest;
      return firstFile(args, BUN_VALUE_FLAGS);
    }
    case 'nodemon': {
      const { values, rest: positional } = skipFlags(rest, NODEMON_VALUE_FLAGS);
      const file = positional.find(looksLikeFile);
      if (file !== undefined) return normalise(file);
      const exec = values.get('-x') ?? values.get('--exec');
      return exec === undefined ? null : scriptTargetFile(exec);
    }
    case 'pm2':
    case 'pm2-runtime':
    case 'pm2-dev':
    case 'forever': {
      const args = rest[0] === 'start' ? rest.slice(1) : rest;
      const file = firstFile(args, PM2_VALUE_FLAGS);
      return file !== null && /(^|\/)ecosystem\.config\.[cm]?js$|\.json$|\.ya?ml$/.test(file) ? null : file;
    }
    default:
      return null;
  }
}

function firstFile(args: string[], valueFlags: ReadonlySet<string>): string | null {
  const { rest } = skipFlags(args, valueFlags);
  const first = rest[0];
  return first !== undefined && looksLikeFile(first) ? normalise(first) : null;
}

/** Splits leading flags (and their values) from positional words; stops at the first positional or `--`. */
function skipFlags(args: string[], valueFlags: ReadonlySet<string>): { values: Map<string, string>; rest: string[] } {
  const values = new Map<string, string>();
  let i = 0;
  while (i < args.length) {
    const word = args[i] ?? '';
    if (word === '--') return { values, rest: args.slice(i + 1) };
    if (!word.startsWith('-') || word === '-') break;
    const eq = word.indexOf('=');
    if (eq > 0) {
      values.set(word.slice(0, eq), word.slice(eq + 1));
      i += 1;
    } else if (valueFlags.has(word) && i + 1 < args.length) {
      values.set(word, args[i + 1] ?? '');
      i += 2;
    } else {
      i += 1;
    }
  }
  return { values, rest: args.slice(i) };
}

function looksLikeFile(word: string): boolean {
  if (word === '.' || word === './') return false;
  return /\.[cm]?[jt]sx?$/.test(word) || word.includes('/') || /^[\w@.-]+$/.test(word);
}

function normalise(file: string): string {
  return file.replace(/^\.\//, '');
}

/** `npm run serve`, `npm start`, `yarn serve`, `pnpm run serve`, `bun run serve`, `run-s build serve` → the script name. */
function scriptReference(command: string, scripts: Record<string, string>): string | null {
  const words = dropEnvPrefix(shellWords(command));
  const [cmd, ...rest] = words;
  if (cmd === undefined) return null;
  const dashDash = rest.indexOf('--');
  const args = (dashDash < 0 ? rest : rest.slice(0, dashDash)).filter((w) => !w.startsWith('-'));
  const first = args[0];
  const second = args[1];
  switch (cmd) {
    case 'npm':
      if (first === 'start' || first === 'test') return first;
      if ((first === 'run' || first === 'run-script') && second !== undefined) return second;
      return null;
    case 'pnpm':
    case 'yarn':
      if (first === 'run' && second !== undefined) return second;
      // `yarn serve` / `pnpm serve` run the script when one has that name.
      if (first !== undefined && !first.startsWith('-') && scripts[first] !== undefined) return first;
      return null;
    case 'bun':
      if (first === 'run' && second !== undefined && scripts[second] !== undefined) return second;
      return null;
    case 'run-s':
    case 'npm-run-all': {
      if (rest.some((a) => a === '-p' || a === '--parallel')) return null;
      const last = args[args.length - 1];
      return last !== undefined && scripts[last] !== undefined ? last : null;
    }
    default:
      return null;
  }
}

/** Drops `FOO=bar`, `env FOO=bar`, `cross-env FOO=bar`, `dotenv -e .env --` prefixes. */
function dropEnvPrefix(words: string[]): string[] {
  let i = 0;
  for (;;) {
    const word = words[i];
    if (word === undefined) return [];
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) i += 1;
    else if (word === 'env' || word === 'cross-env' || word === 'cross-env-shell') i += 1;
    else if (word === 'dotenv' || word === 'dotenvx') {
      const dash = words.indexOf('--', i);
      if (dash < 0) return [];
      i = dash + 1;
    } else break;
  }
  return words.slice(i);
}

/** Splits on `&&`, `||`, `;` outside quotes. A lone `&` (background) also separates commands. */
function splitChain(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote !== null) {
      if (ch === quote) quote = null;
      current += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      current += ch;
    } else if (ch === ';' || ((ch === '&' || ch === '|') && text[i + 1] === ch)) {
      parts.push(current);
      current = '';
      if (ch !== ';') i += 1;
    } else if (ch === '&' && text[i + 1] !== '>' && text[i - 1] !== '>') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.filter((p) => p.trim() !== '');
}

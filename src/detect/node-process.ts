/**
 * Which process really runs a Node app, and which file it starts. package.json `start`/`main` are
 * what a developer types; a container runs its Dockerfile's final-stage ENTRYPOINT/CMD (or the
 * compose service's `command`), a PaaS its Procfile `web:` line, pm2 its ecosystem file's `script`.
 * They often disagree (express-generator: `start` may name app.js while the image runs bin/www), and
 * wiring the wrong file installs a listener in a process that has no server, or none at all.
 *
 * Precedence, most authoritative first: compose `command` (it overrides the image's CMD) > Dockerfile
 * > Procfile > pm2 ecosystem > package.json scripts > main > bin. A source only counts when the file
 * it names exists (after mapping built output back to its source). Pure: reads RepoFiles, no shell.
 */
import { posix } from 'node:path';
import { composeFile } from './container-files.js';
import type { ComposeFile } from './compose-file.js';
import type { NodeProcess, NodeProcessSource, StartCommand } from './facts.js';
import type { RepoFiles } from './repo-files.js';
import { isComposeName, isDockerfileName } from './container.js';
import { lastCommand, resolveStartScript, scriptTargetFile } from './start-script.js';
import { shellWords } from './shell-words.js';
import { finalStageCommand } from './dockerfile-facts.js';

export interface ProcessInput {
  files: RepoFiles;
  dir: string;
  scripts: Record<string, string>;
  main: string | null;
  bin: string[];
  /** package.json start scripts, most telling first. */
  starts: StartCommand[];
}

/** One statement of what runs, before it is checked against the files. */
export interface RunClaim {
  source: NodeProcessSource;
  /** File the claim was read from (Dockerfile, package.json, Procfile, ecosystem.config.js). */
  file: string;
  /** The command as written there. */
  command: string;
  /** The file it starts, relative to the app dir; null when it runs a tool (`next start`) or nothing we can name. */
  target: string | null;
  /** A known runner that starts the app itself: `next start`, `nest start`. */
  runner: NodeProcess['runner'];
}

const INIT_WRAPPERS = new Set(['tini', 'dumb-init', 'catatonit', 'docker-init', 'su-exec', 'gosu']);

/** Every claim about what runs, most authoritative first. */
export function runClaims(input: ProcessInput): RunClaim[] {
  const { files, dir } = input;
  const claims: RunClaim[] = [];

  for (const c of composeCommands(files, dir)) claims.push(fromWords('compose', c.path, c.words, input));

  const dockerfiles = files.list.filter(
    (p) => isDockerfileName(posix.basename(p)) && !p.endsWith('.dockerignore') && posix.dirname(p) === (dir || '.'),
  );
  for (const path of dockerfiles) {
    const words = finalStageCommand(files.read(path) ?? '');
    if (words) claims.push(fromWords('dockerfile', path, words.words, input, words.workdir));
  }

  const procfile = posix.join(dir, 'Procfile');
  const proc = files.read(procfile);
  if (proc !== null) {
    const web = proc.split(/\r?\n/).find((l) => /^web\s*:/.test(l)) ?? proc.split(/\r?\n/).find((l) => /^[\w-]+\s*:/.test(l));
    if (web) claims.push(fromWords('procfile', procfile, ['sh', '-c', web.replace(/^[\w-]+\s*:\s*/, '')], input));
  }

  for (const name of [
    'ecosystem.config.js',
    'ecosystem.config.cjs',
    'ecosystem.config.mjs',
    'ecosystem.json',
    'pm2.json',
    'process.json',
  ]) {
    const path = posix.join(dir, name);
    const text = files.read(path);
    if (text === null) continue;
    // The first app's `script` (a literal): enough for the common one-app file, no evaluation.
    const script = /["']?script["']?\s*:\s*(["'`])([^"'`]+)\1/.exec(text)?.[2];
    if (script) claims.push({ source: 'pm2', file: path, command: `pm2 start ${script}`, target: stripDot(script), runner: null });
  }

  for (const s of input.starts) {
    const command = s.resolved ?? s.raw;
    claims.push({
      source: 'script',
      file: posix.join(dir, 'package.json'),
      command: `${s.script}: ${s.raw}`,
      target: s.resolved ? scriptTargetFile(s.resolved) : null,
      runner: runnerOf(command),
    });
  }
  if (input.main)
    claims.push({
      source: 'main',
      file: posix.join(dir, 'package.json'),
      command: `main: ${input.main}`,
      target: stripDot(input.main),
      runner: null,
    });
  for (const b of input.bin)
    claims.push({ source: 'bin', file: posix.join(dir, 'package.json'), command: `bin: ${b}`, target: stripDot(b), runner: null });
  return claims;
}

/** A command given as words (exec form), through init wrappers, `sh -c`, `npm start`. */
function fromWords(source: NodeProcessSource, file: string, words: string[], input: ProcessInput, workdir: string | null = null): RunClaim {
  const command = words.join(' ');
  let w = [...words];
  for (;;) {
    const head = posix.basename(w[0] ?? '');
    if (INIT_WRAPPERS.has(head)) {
      w = w.slice(1);
      while (w[0]?.startsWith('-')) w = w.slice(w[0] === '--' ? 1 : 1);
      continue;
    }
    if ((head === 'sh' || head === 'bash' || head === 'ash') && w[1] === '-c' && w[2] !== undefined) {
      w = shellWords(lastCommand(w[2])).filter((x) => x !== 'exec');
      continue;
    }
    if (head === 'exec') {
      w = w.slice(1);
      continue;
    }
    break;
  }
  const line = w.map((x) => (/\s/.test(x) ? JSON.stringify(x) : x)).join(' ');
  // `npm start` / `npm run serve` / `yarn start`: what the script runs.
  const script = scriptOf(w);
  if (script !== null) {
    const resolved = resolveStartScript(input.scripts, script);
    const end = resolved?.resolved ?? null;
    return { source, file, command, target: end ? mapWorkdir(scriptTargetFile(end), workdir) : null, runner: end ? runnerOf(end) : null };
  }
  return { source, file, command, target: mapWorkdir(scriptTargetFile(line), workdir), runner: runnerOf(line) };
}

function scriptOf(words: string[]): string | null {
  const [cmd, first, second] = words;
  if (cmd === 'npm' && (first === 'start' || first === 'run-script' || first === 'run'))
    return first === 'start' ? 'start' : (second ?? null);
  if ((cmd === 'yarn' || cmd === 'pnpm' || cmd === 'bun') && first === 'start') return 'start';
  if ((cmd === 'yarn' || cmd === 'pnpm' || cmd === 'bun') && first === 'run' && second) return second;
  return null;
}

function runnerOf(command: string): NodeProcess['runner'] {
  const words = shellWords(lastCommand(command)).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  const i = words.findIndex((w) => /(^|\/)next$/.test(w));
  if (i >= 0 && words[i + 1] === 'start') return 'next-start';
  const n = words.findIndex((w) => /(^|\/)nest$/.test(w));
  if (n >= 0 && words[n + 1] === 'start') return 'nest-start';
  return null;
}

/** `/app/bin/www` with WORKDIR /app is `bin/www` of the copied app. */
function mapWorkdir(target: string | null, workdir: string | null): string | null {
  if (target === null) return null;
  if (workdir && target.startsWith('/')) {
    const rel = posix.relative(workdir, target);
    return rel.startsWith('..') ? null : rel;
  }
  return target.startsWith('/') ? null : stripDot(target);
}

function stripDot(p: string): string {
  return posix.normalize(p.replace(/^\.\//, ''));
}

/** `command:` of compose services built from the app dir (after `entrypoint:` when both are set). */
function composeCommands(files: RepoFiles, appDir: string): { path: string; words: string[] }[] {
  const out: { path: string; words: string[] }[] = [];
  for (const path of files.list.filter((p) => isComposeName(posix.basename(p)))) {
    let file: ComposeFile;
    try {
      file = composeFile(files.read(path) ?? '', path);
    } catch {
      continue; // values that cannot be read (a bad merge key): the container checks name the file
    }
    // A file of several YAML documents is not one compose project: no command is read from it.
    if (file.documents > 1) continue;
    for (const s of file.services) {
      if (!s.buildContextSet || s.buildContext === null) continue;
      const built = posix.normalize(posix.join(posix.dirname(path), s.buildContext)).replace(/^\.$/, '');
      if (built !== appDir) continue;
      const command = s.commandText != null ? ['sh', '-c', s.commandText] : [...(s.command ?? [])];
      if (command.length) out.push({ path, words: [...(s.entrypoint ?? []), ...command] });
    }
  }
  return out;
}

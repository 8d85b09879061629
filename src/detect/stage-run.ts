/**
 * What the stage of a Dockerfile that runs (the final one, or a compose build.target) starts and how it
 * stops: its base image and family, the command as words (an `npm start` replaced by what the script
 * runs), the runtime that command is, the signal that stops that runtime gracefully, the init in front
 * of it and the USER it runs as. One rule for every asker: the Dockerfile edit (edits/dockerfile/patch.ts)
 * builds its changes on this reading, and the compose and k8s parts read the same facts through
 * dockerfile-facts.ts instead of running the edit to learn them.
 */
import type { Instruction } from 'dockerfile-ast';
import { classifyImage, type BaseImage, type ImageFamily } from './base-image.js';
import { resolveScript, scriptInvocation } from './npm-script.js';
import { basename, initIn, runtimeOfCommand, stopSignalFor, type Runtime } from './container-runtime.js';
import { execLastCommand, isEnvAssignment, splitSimpleCommand } from './simple-command.js';
import { ancestry, parseStages, type Stage } from './dockerfile-stages.js';

export interface StageOptions {
  /** What the app runs, used when the stage's command does not say (an entrypoint script, a binary). */
  runtime?: Runtime;
  /** package.json scripts of the app, to read `npm start`-style commands as what the script runs. */
  scripts?: Record<string, string>;
  /** The stage to read instead of the final one (lower-cased `AS` name); no stage of that name: the final one. */
  stage?: string;
}

export interface StageFacts {
  /** The base image at the root of the stage's chain (`FROM build AS run` followed), ARG defaults substituted. */
  image: string;
  family: ImageFamily;
  runtime: Runtime;
  /** The signal the stage's runtime stops gracefully on (a STOPSIGNAL SIGINT kept where the runtime stops well on it). */
  stopSignal: string;
  /** The init its ENTRYPOINT runs as PID 1 (tini, dumb-init...), after an `npm run` ENTRYPOINT is read as its script; or null. */
  init: string | null;
  /** The init the ENTRYPOINT names as written (no script followed), or null. */
  writtenInit: string | null;
  /**
   * Whether an init can be put in front of what runs: the stage runs a command (its own, an inherited one,
   * or the base image's ENTRYPOINT) and its ENTRYPOINT is not a shell command.
   */
  initCanWrap: boolean;
  /** The USER the stage runs as (its own or one it inherits), as written; null when none is set. */
  user: string | null;
  /** ENTRYPOINT (or the base image's) + CMD as words, scripts followed; [] when the stage runs nothing it says. */
  command: string[];
}

/** A CMD or ENTRYPOINT as the stage has it. */
export interface StageCommand {
  instruction: Instruction | null;
  form: 'exec' | 'shell';
  /** Exec-form words, or the shell text's words when it is a simple command. */
  words: string[] | null;
  /** The shell-form text (continuations joined). */
  text: string;
  /** Written as an exec-form array that is not valid JSON (single quotes): Docker treats it as shell form. */
  invalidJson: boolean;
}

/** The reading the Dockerfile edit builds on: the facts, and the instructions they came from. */
export interface StageReading {
  facts: StageFacts;
  stages: Stage[];
  finalIndex: number;
  /** The stage and the stages it builds on, nearest first. */
  chain: Stage[];
  base: BaseImage;
  entryInstr: Instruction | null;
  cmdInstr: Instruction | null;
  /** ENTRYPOINT and CMD as they run (own or inherited; a script-running exec ENTRYPOINT replaced by the script's words). */
  entry: StageCommand | null;
  cmd: StageCommand | null;
  /** Exec-form words the stage's CMD changes to (shell form to exec form, a script followed), or null. */
  newCmdWords: string[] | null;
  /** Exec-form words the stage's own ENTRYPOINT changes to (an `npm run` script followed), or null. */
  newEntryWords: string[] | null;
  /** What the reading found the user should look at, in order. */
  warnings: string[];
}

/** Why a Dockerfile has no stage to read, with the facts the askers fall back on. */
export interface NoStage {
  facts: StageFacts;
  refusal: string;
}

/** Runtimes that stop as gracefully on SIGINT as on SIGTERM: a STOPSIGNAL SIGINT set for them is deliberate and kept. */
const SIGINT_GRACEFUL = new Set<Runtime>(['node', 'python', 'python-uvicorn']);

/** The facts of the stage that runs. */
export function stageFactsOf(source: string, options: StageOptions = {}): StageFacts {
  return readStage(source, options).facts;
}

export function readStage(source: string, options: StageOptions = {}): StageReading | NoStage {
  const { stages } = parseStages(source);
  const named = options.stage === undefined ? -1 : stages.findIndex((st) => st.name === options.stage!.toLowerCase());
  const finalIndex = named >= 0 ? named : stages.length - 1;
  const final = stages[finalIndex];
  const fallback = (image: string, family: ImageFamily): StageFacts => ({
    image,
    family,
    runtime: options.runtime ?? 'node',
    stopSignal: 'SIGTERM',
    init: null,
    writtenInit: null,
    initCanWrap: false,
    user: null,
    command: [],
  });
  if (final === undefined) return { facts: fallback('', 'unknown'), refusal: 'no FROM instruction: not a Dockerfile we can patch' };
  const chain = ancestry(stages, finalIndex);
  const root = chain[chain.length - 1]!;
  const base = classifyImage(root.image);
  if (base.family === 'windows') {
    return { facts: fallback(root.image, base.family), refusal: 'Windows base image: tini and STOPSIGNAL do not apply' };
  }
  const warnings: string[] = [];
  if (root.image.includes('$')) warnings.push(`could not resolve the base image "${root.image}" (ARG without a default)`);

  const entryInstr = lastOf(final, 'ENTRYPOINT');
  const cmdInstr = lastOf(final, 'CMD');
  const inheritedEntry = inherited(chain, 'ENTRYPOINT');
  const inheritedCmd = inherited(chain, 'CMD');
  let entry = entryInstr ? readCommand(entryInstr) : inheritedEntry ? readCommand(inheritedEntry) : null;
  const writtenInit = entry === null ? null : initIn(entry.words ?? entry.text.split(/\s+/));
  const baseEntry = base.inheritedEntrypoint;
  let cmd = cmdInstr ? readCommand(cmdInstr) : inheritedCmd ? readCommand(inheritedCmd) : null;

  // CMD: npm start → the script's command; shell form → exec form.
  let newCmdWords: string[] | null = null;
  if (cmd !== null) {
    newCmdWords = rewriteCommand(cmd, shellOf(chain), options.scripts ?? {}, warnings);
    if (newCmdWords !== null) cmd = { ...cmd, form: 'exec', words: newCmdWords, invalidJson: false };
  }
  // An exec-form ENTRYPOINT of the stage that runs a script (`ENTRYPOINT ["npm", "run", "start"]`, no CMD):
  // the script's command, so npm is not left between the init and the app.
  let newEntryWords: string[] | null = null;
  if (cmd === null && entryInstr !== null && entry !== null && entry.form === 'exec' && !entry.invalidJson && entry.words !== null) {
    newEntryWords = replaceScript(entry.words, options.scripts ?? {}, warnings);
    if (newEntryWords !== null) entry = { ...entry, words: newEntryWords };
  }

  const entryWords = entry?.words ?? baseEntry ?? [];
  const cmdWords = cmd?.words ?? [];
  const runtime = runtimeOfCommand([...entryWords, ...cmdWords]) ?? runtimeOfCommand(cmdWords) ?? base.server ?? options.runtime ?? 'node';
  const declaredStop = lastOf(final, 'STOPSIGNAL') ?? inherited(chain, 'STOPSIGNAL');
  const declared = declaredStop === null ? null : normaliseSignal(declaredStop.getArgumentsContent() ?? '');
  const stopSignal = declared === 'SIGINT' && SIGINT_GRACEFUL.has(runtime) ? 'SIGINT' : stopSignalFor(runtime);
  const init = initIn(entry?.words ?? (entry ? entry.text.split(/\s+/) : []));
  const runsSomething = cmd !== null || entry !== null || baseEntry !== null;
  const userInstr = chain.map((s) => lastOf(s, 'USER')).find((x) => x !== null) ?? null;
  const facts: StageFacts = {
    image: root.image,
    family: base.family,
    runtime,
    stopSignal,
    init,
    writtenInit,
    initCanWrap: runsSomething && (entry === null || entry.words !== null),
    user: userInstr === null ? null : (userInstr.getArgumentsContent() ?? '').trim(),
    command: [...entryWords, ...cmdWords],
  };
  return { facts, stages, finalIndex, chain, base, entryInstr, cmdInstr, entry, cmd, newCmdWords, newEntryWords, warnings };
}

export function lastOf(stage: Stage, keyword: string): Instruction | null {
  const found = stage.instructions.filter((i) => i.getKeyword() === keyword);
  return found[found.length - 1] ?? null;
}

/** The nearest stage the given one builds on that has the instruction: what the stage inherits. */
export function inherited(chain: readonly Stage[], keyword: string): Instruction | null {
  return (
    chain
      .slice(1)
      .map((s) => lastOf(s, keyword))
      .find((x) => x !== null) ?? null
  );
}

export function normaliseSignal(text: string): string {
  const s = text.trim().toUpperCase();
  const numbers: Record<string, string> = { '15': 'SIGTERM', '3': 'SIGQUIT', '2': 'SIGINT', '28': 'SIGWINCH' };
  return numbers[s] ?? (s.startsWith('SIG') ? s : `SIG${s}`);
}

function readCommand(instruction: Instruction): StageCommand {
  const text = (instruction.getArgumentsContent() ?? '').trim();
  if (text.startsWith('[')) {
    // Docker itself falls back to shell form when the JSON does not parse.
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) {
        return { instruction, form: 'exec', words: parsed as string[], text, invalidJson: false };
      }
    } catch {
      // shell form
    }
  }
  if (text.startsWith('[') && text.endsWith(']')) {
    // `CMD ['node', 'x']` is not JSON, so Docker runs it through a shell; it was meant as exec form.
    try {
      const parsed: unknown = JSON.parse(text.replace(/'/g, '"'));
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string')) {
        return { instruction, form: 'shell', words: parsed as string[], text, invalidJson: true };
      }
    } catch {
      // a shell command that starts with `[`
    }
  }
  const unexec = text.replace(/^exec\s+/, '');
  return { instruction, form: 'shell', words: splitSimpleCommand(unexec), text, invalidJson: false };
}

/**
 * New exec-form words for a command, or null when it stays as it is: shell form becomes exec form
 * (or `sh -c "... && exec app"` when it needs the shell), `["sh", "-c", "app"]` loses the shell,
 * and `npm start` becomes what the script runs.
 */
function rewriteCommand(cmd: StageCommand, shell: string[], scripts: Record<string, string>, warnings: string[]): string[] | null {
  if (cmd.invalidJson) {
    warnings.push(
      `${cmd.instruction?.getKeyword() ?? 'CMD'} was not valid JSON (${cmd.text}), so Docker ran it through a shell; now in exec form`,
    );
    return replaceScript(cmd.words!, scripts, warnings) ?? cmd.words;
  }
  if (cmd.form === 'exec') {
    const w = cmd.words!;
    if (w.length === 3 && /^(sh|bash|ash|dash)$/.test(basename(w[0]!)) && w[1] === '-c') {
      const next = rewriteShellText(w[2]!, [w[0]!, '-c'], scripts, warnings);
      return next === null || JSON.stringify(next) === JSON.stringify(w) ? null : next;
    }
    return replaceScript(w, scripts, warnings);
  }
  return rewriteShellText(cmd.text, shell, scripts, warnings);
}

function rewriteShellText(text: string, shell: string[], scripts: Record<string, string>, warnings: string[]): string[] | null {
  const words = splitSimpleCommand(text.trim().replace(/^exec\s+/, ''));
  if (words !== null) {
    if (isEnvAssignment(words[0]!)) return ['env', ...words];
    return replaceScript(words, scripts, warnings) ?? words;
  }
  const viaShell = execLastCommand(text);
  if (viaShell === null) {
    warnings.push(
      `the command is a shell script ("${text}"): the shell, not the app, gets the stop signal. ` +
        'Rewrite it in exec form, or end it with `exec <app>`.',
    );
    return null;
  }
  return [...shell, viaShell];
}

/** The shell a shell-form command runs in: the stage's SHELL, else /bin/sh -c. */
function shellOf(chain: readonly Stage[]): string[] {
  for (const stage of chain) {
    const instruction = lastOf(stage, 'SHELL');
    if (instruction) {
      try {
        const parsed: unknown = JSON.parse(instruction.getArgumentsContent() ?? '');
        if (Array.isArray(parsed) && parsed.length > 0) return parsed.map(String);
      } catch {
        // not valid: Docker rejects it too
      }
    }
  }
  return ['/bin/sh', '-c'];
}

/** `npm start` (and yarn/pnpm/bun) → the words of the command the script runs; null when unchanged. */
function replaceScript(words: string[], scripts: Record<string, string>, warnings: string[]): string[] | null {
  const invocation = scriptInvocation(words, scripts);
  if (invocation === null) return null;
  const shown = words.join(' ');
  const result = resolveScript(scripts, invocation.script);
  if (!result.ok) {
    warnings.push(
      `CMD runs \`${shown}\`: ${invocation.manager} stays between tini and the app, and may not pass the ` +
        `stop signal on (${result.reason}). Put the command the script runs in CMD.`,
    );
    return null;
  }
  if (invocation.manager === 'npm') {
    for (const name of result.chain) {
      for (const hook of [`pre${name}`, `post${name}`]) {
        if (scripts[hook] !== undefined) {
          warnings.push(`\`${shown}\` also ran the "${hook}" script (${scripts[hook]}); CMD now skips it`);
        }
      }
    }
  }
  return [...result.words, ...invocation.extraArgs];
}

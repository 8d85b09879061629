/**
 * patchDockerfile: make the stage that runs deliver the stop signal to the app.
 *
 * Only the final stage (or the stage options.stage names) changes (plus, for images without a package manager, one small stage
 * inserted just before it that provides a static tini). Edits are splices at instruction
 * ranges found by dockerfile-ast, so comments, parser directives, heredocs, continuations and
 * line endings outside the touched instructions stay byte-identical.
 */
import type { Instruction } from 'dockerfile-ast';
import { classifyImage, type ImageFamily } from './base-image.js';
import { resolveScript, scriptInvocation } from './npm-script.js';
import { basename, initIn, isOwnInit, runtimeOfCommand, stopSignalFor, type Runtime } from './runtime.js';
import { execLastCommand, isEnvAssignment, splitSimpleCommand, toExecForm } from '../../detect/simple-command.js';
import { ancestry, parseStages, type Stage } from './stages.js';
import { applySplices, detectEol, lineStarts, offsetAfterLine, type Splice } from './text-splice.js';
import { countEditRun } from '../../core/edit-runs.js';

export interface DockerfilePatchOptions {
  /** What the app runs, used when the final stage's command does not say (an entrypoint script, a binary). */
  runtime?: Runtime;
  /** package.json scripts of the app, to replace `npm start`-style commands with what the script runs. */
  scripts?: Record<string, string>;
  /** The text of a script the ENTRYPOINT runs (`/docker-entrypoint.sh`), from the repo, or null when not found. */
  readScript?: (word: string) => string | null;
  /**
   * The stage to patch instead of the final one (lower-cased `AS` name): a compose `build.target` builds
   * that stage, so it is the image that runs. Absent, or no stage of that name: the final stage.
   */
  stage?: string;
  /**
   * The app's process already handles the stop signal itself and the tool leaves that code alone (an
   * existing drain it does not replace): no init is put in front of it. As PID 1 it gets SIGTERM and stops
   * as it always has; under tini its own re-raise of the signal (terminus) would end it with 143 instead of 0.
   */
  ownStop?: string;
}

/** Runtimes that stop as gracefully on SIGINT as on SIGTERM: a STOPSIGNAL SIGINT set for them is deliberate and kept. */
const SIGINT_GRACEFUL = new Set<Runtime>(['node', 'python', 'python-uvicorn']);

/**
 * Whether a shell script's last command replaces the shell (`exec "$@"`, `exec gunicorn ...`): then the
 * app, not the shell, is the process the stop signal reaches.
 */
export function scriptEndsWithExec(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const closers = /^(fi|done|esac|\}|;;)$/;
  const line = lines[lines.length - 1];
  if (line === undefined) return false;
  if (closers.test(line)) return false; // the last command is inside a branch: not certain to exec
  return /^exec(\s|$)/.test(line) && line !== 'exec';
}

export interface DockerfilePatchResult {
  /** The patched text, or false when nothing needs to change. */
  text: string | false;
  /** Things the user should look at: what we could not fix, and changes of meaning we made. */
  warnings: string[];
  /** What we found (and set) in the final stage; the generators build the timeout chain from it. */
  stage: {
    image: string;
    family: ImageFamily;
    runtime: Runtime;
    stopSignal: string;
    /** The init that runs as PID 1 after the patch (tini, dumb-init...), or null (servers that are their own init). */
    init: string | null;
  };
}

/** Where a static tini comes from for images that cannot install one. Debian's package ships tini-static. */
const TINI_STAGE_IMAGE = 'debian:bookworm-slim';
const APT_TINI = 'apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*';

interface Command {
  instruction: Instruction | null;
  form: 'exec' | 'shell';
  /** Exec-form words, or the shell text's words when it is a simple command. */
  words: string[] | null;
  /** The shell-form text (continuations joined). */
  text: string;
  /** Written as an exec-form array that is not valid JSON (single quotes): Docker treats it as shell form. */
  invalidJson: boolean;
}

export function patchDockerfile(source: string, options: DockerfilePatchOptions = {}): DockerfilePatchResult {
  countEditRun('patchDockerfile', source, options);
  const { stages } = parseStages(source);
  const warnings: string[] = [];
  const named = options.stage === undefined ? -1 : stages.findIndex((st) => st.name === options.stage!.toLowerCase());
  const finalIndex = named >= 0 ? named : stages.length - 1;
  const final = stages[finalIndex];
  if (final === undefined) {
    return {
      text: false,
      warnings: ['no FROM instruction: not a Dockerfile we can patch'],
      stage: { image: '', family: 'unknown', runtime: options.runtime ?? 'node', stopSignal: 'SIGTERM', init: null },
    };
  }

  const eol = detectEol(source);
  const starts = lineStarts(source);
  const lines = source.split(/\r\n|\n|\r/);
  const lower = final.from.getInstruction() === final.from.getInstruction().toLowerCase();
  const kw = (k: string): string => (lower ? k.toLowerCase() : k);
  const splices: Splice[] = [];

  const chain = ancestry(stages, finalIndex);
  const root = chain[chain.length - 1]!;
  const base = classifyImage(root.image);
  if (base.family === 'windows') {
    return {
      text: false,
      warnings: ['Windows base image: tini and STOPSIGNAL do not apply'],
      stage: { image: root.image, family: base.family, runtime: options.runtime ?? 'node', stopSignal: 'SIGTERM', init: null },
    };
  }
  if (root.image.includes('$')) warnings.push(`could not resolve the base image "${root.image}" (ARG without a default)`);

  const entryInstr = lastOf(final, 'ENTRYPOINT');
  const cmdInstr = lastOf(final, 'CMD');
  const inheritedEntry =
    chain
      .slice(1)
      .map((s) => lastOf(s, 'ENTRYPOINT'))
      .find((x) => x !== null) ?? null;
  const inheritedCmd =
    chain
      .slice(1)
      .map((s) => lastOf(s, 'CMD'))
      .find((x) => x !== null) ?? null;
  let entry = entryInstr ? readCommand(entryInstr) : inheritedEntry ? readCommand(inheritedEntry) : null;
  const baseEntry = base.inheritedEntrypoint;
  let cmd = cmdInstr ? readCommand(cmdInstr) : inheritedCmd ? readCommand(inheritedCmd) : null;

  // 1. CMD: npm start → the script's command; shell form → exec form.
  const shell = shellOf(chain);
  let newCmdWords: string[] | null = null; // exec-form words for the final stage's CMD, when they change
  if (cmd !== null) {
    newCmdWords = rewriteCommand(cmd, shell, options.scripts ?? {}, warnings);
    if (newCmdWords !== null) cmd = { ...cmd, form: 'exec', words: newCmdWords, invalidJson: false };
  }
  // An exec-form ENTRYPOINT of the stage that runs a script (`ENTRYPOINT ["npm", "run", "start"]`, no CMD):
  // the script's command, so npm is not left between tini and the app.
  let newEntryWords: string[] | null = null;
  if (cmd === null && entryInstr !== null && entry !== null && entry.form === 'exec' && !entry.invalidJson && entry.words !== null) {
    newEntryWords = replaceScript(entry.words, options.scripts ?? {}, warnings);
    if (newEntryWords !== null) entry = { ...entry, words: newEntryWords };
  }

  // 2. What runs, and which signal stops it.
  const entryWords = entry?.words ?? baseEntry ?? [];
  const cmdWords = cmd?.words ?? [];
  const runtime = runtimeOfCommand([...entryWords, ...cmdWords]) ?? runtimeOfCommand(cmdWords) ?? base.server ?? options.runtime ?? 'node';
  const declaredStop =
    lastOf(final, 'STOPSIGNAL') ??
    chain
      .slice(1)
      .map((s) => lastOf(s, 'STOPSIGNAL'))
      .find((x) => x !== null) ??
    null;
  const declared = declaredStop === null ? null : normaliseSignal(declaredStop.getArgumentsContent() ?? '');
  const stopSignal = declared === 'SIGINT' && SIGINT_GRACEFUL.has(runtime) ? 'SIGINT' : stopSignalFor(runtime);
  let init = initIn(entry?.words ?? (entry ? entry.text.split(/\s+/) : []));

  // 3. ENTRYPOINT through tini, unless the server is its own init or an init is already there.
  const before: string[] = []; // lines inserted before the ENTRYPOINT/CMD block
  let installSplices: Splice[] = [];
  if (init === null && !isOwnInit(runtime) && options.ownStop !== undefined && (cmd !== null || entry !== null || baseEntry !== null)) {
    warnings.push(
      `no tini added: ${options.ownStop}; as PID 1 it gets the stop signal and stops as before. Once that code is replaced by the generated module, run again to add tini`,
    );
  } else if (init === null && !isOwnInit(runtime)) {
    if (cmd === null && entry === null && baseEntry === null) {
      warnings.push('the final stage has no CMD or ENTRYPOINT: add one that starts the app, then run again to add tini');
    } else {
      const wrapped =
        entry ?? (baseEntry ? { instruction: null, form: 'exec' as const, words: baseEntry, text: '', invalidJson: false } : null);
      const wrappedWords = wrapped === null ? [] : wrapped.words;
      if (wrappedWords === null) {
        warnings.push(`ENTRYPOINT is a shell command ("${wrapped!.text}"): left as it is, without tini`);
      } else {
        const install = planTini(source, stages, finalIndex, chain, base.family, kw, eol, starts, lines);
        installSplices = install.splices;
        const tiniEntry = toExecForm([install.path, '--', ...wrappedWords]);
        if (entryInstr) {
          splices.push(replaceArgs(entryInstr, tiniEntry, starts));
          if (entry!.form === 'shell' && cmdInstr) {
            warnings.push('ENTRYPOINT was in shell form, which ignores CMD; in exec form, CMD is passed to it as arguments');
          }
        } else {
          before.push(`${kw('ENTRYPOINT')} ${tiniEntry}`);
          // A new ENTRYPOINT resets a CMD inherited from an earlier stage: declare it again.
          if (cmdInstr === null && cmd !== null && cmd.words !== null) newCmdWords = cmd.words;
        }
        const script = wrappedWords.find((w) => /\.sh$|entrypoint/i.test(w));
        if (script !== undefined) {
          const text = options.readScript?.(script) ?? null;
          if (text === null) {
            warnings.push(
              `ENTRYPOINT runs a script (${wrappedWords.join(' ')}) that is not in the repo: its last command must be \`exec ...\` (\`exec "$@"\`) so the app replaces the shell`,
            );
          } else if (!scriptEndsWithExec(text)) {
            warnings.push(
              `ENTRYPOINT runs a script (${wrappedWords.join(' ')}) whose last command is not \`exec ...\`: end it with \`exec "$@"\` so the app replaces the shell and gets the stop signal`,
            );
          }
        }
        init = 'tini';
        if (base.family === 'unknown' && install.addedStage) {
          warnings.push(`unknown base image family for "${root.image}": copied a static tini from a build stage`);
        }
      }
    }
  }

  if (newEntryWords !== null && entryInstr !== null && init !== 'tini') {
    splices.push(replaceArgs(entryInstr, toExecForm(newEntryWords), starts));
  }

  // 4. STOPSIGNAL.
  const stopInstr = lastOf(final, 'STOPSIGNAL');
  if (stopInstr) {
    const current = (stopInstr.getArgumentsContent() ?? '').trim();
    if (normaliseSignal(current) !== stopSignal) {
      splices.push(replaceArgs(stopInstr, stopSignal, starts));
      warnings.push(`STOPSIGNAL was ${current}; ${runtime} stops gracefully on ${stopSignal}`);
    }
  } else {
    const inherited = chain
      .slice(1)
      .map((s) => lastOf(s, 'STOPSIGNAL'))
      .find((x) => x !== null);
    if (!inherited || normaliseSignal(inherited.getArgumentsContent() ?? '') !== stopSignal) {
      before.unshift(`${kw('STOPSIGNAL')} ${stopSignal}`);
    }
  }

  // 5. Place the new lines: before the first of ENTRYPOINT/CMD (and the comments above it), else at the end.
  const cmdText = newCmdWords === null ? null : `${kw('CMD')} ${toExecForm(newCmdWords)}`;
  const anchor = [entryInstr, cmdInstr]
    .filter((x): x is Instruction => x !== null)
    .sort((a, b) => a.getRange().start.line - b.getRange().start.line)[0];
  // Installs go first: at the same offset (an ENTRYPOINT right after FROM), RUN precedes STOPSIGNAL.
  splices.unshift(...installSplices);
  if (cmdText !== null && cmdInstr !== null) splices.push(replaceWhole(cmdInstr, cmdText, starts));
  const added = cmdText !== null && cmdInstr === null ? [...before, cmdText] : before;
  if (added.length > 0) {
    if (anchor) {
      const at = starts[commentBlockStart(lines, anchor.getRange().start.line)]!;
      splices.push({ start: at, end: at, text: added.map((l) => l + eol).join('') });
    } else {
      const last = final.instructions[final.instructions.length - 1] ?? final.from;
      const at = offsetAfterLine(starts, last.getRange().end.line, source.length);
      const needsEol = at === source.length && !/[\r\n]$/.test(source);
      splices.push({ start: at, end: at, text: (needsEol ? eol : '') + added.map((l) => l + eol).join('') });
    }
  }
  const text = splices.length === 0 ? source : applySplices(source, splices);
  return {
    text: text === source ? false : text,
    warnings,
    stage: { image: root.image, family: base.family, runtime, stopSignal, init },
  };
}

/** The EditFn form, for plan-edit actions. */
export function dockerfileEdit(options: DockerfilePatchOptions = {}): (source: string) => string | false {
  return (source) => patchDockerfile(source, options).text;
}

function lastOf(stage: Stage, keyword: string): Instruction | null {
  const found = stage.instructions.filter((i) => i.getKeyword() === keyword);
  return found[found.length - 1] ?? null;
}

function readCommand(instruction: Instruction): Command {
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
function rewriteCommand(cmd: Command, shell: string[], scripts: Record<string, string>, warnings: string[]): string[] | null {
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

interface TiniInstall {
  /** Where tini is in the final image. */
  path: string;
  splices: Splice[];
  addedStage: boolean;
}

/** Install tini the way the base image family does, or reuse an install that is already there. */
function planTini(
  source: string,
  stages: readonly Stage[],
  finalIndex: number,
  chain: readonly Stage[],
  family: ImageFamily,
  kw: (k: string) => string,
  eol: string,
  starts: readonly number[],
  lines: readonly string[],
): TiniInstall {
  const existing = existingTini(chain);
  if (existing !== null) return { path: existing, splices: [], addedStage: false };
  const final = stages[finalIndex]!;
  const afterFrom = offsetAfterLine(starts, final.from.getRange().end.line, source.length);
  const lead = afterFrom === source.length && !/[\r\n]$/.test(source) ? eol : '';
  const insertAfterFrom = (text: string[]): Splice => ({
    start: afterFrom,
    end: afterFrom,
    text: lead + text.map((l) => l + eol).join(''),
  });

  if (family === 'alpine' || family === 'debian' || family === 'ubuntu') {
    const run = family === 'alpine' ? `${kw('RUN')} apk add --no-cache tini` : `${kw('RUN')} ${APT_TINI}`;
    const user = inheritedUser(chain);
    const block = user === null ? [run] : [`${kw('USER')} root`, run, `${kw('USER')} ${user}`];
    return { path: family === 'alpine' ? '/sbin/tini' : '/usr/bin/tini', splices: [insertAfterFrom(block)], addedStage: false };
  }

  // No package manager we can count on (distroless, scratch, UBI without EPEL, unknown):
  // a small Debian stage provides the static tini, for the same platform as the final stage.
  const names = new Set(stages.map((s) => s.name));
  let name = 'tini';
  for (let n = 2; names.has(name); n++) name = `tini${n}`;
  const platform = final.from.getPlatformFlag();
  const platformText = platform ? `${platform.toString()} ` : '';
  const stageLines = [
    '# Static tini for the final stage, whose base image cannot install packages.',
    `${kw('FROM')} ${platformText}${TINI_STAGE_IMAGE} ${kw('AS')} ${name}`,
    `${kw('RUN')} ${APT_TINI}`,
    '',
  ];
  const stageAt = starts[commentBlockStart(lines, final.from.getRange().start.line)]!;
  return {
    path: '/usr/bin/tini',
    splices: [
      { start: stageAt, end: stageAt, text: stageLines.map((l) => l + eol).join('') },
      insertAfterFrom([`${kw('COPY')} --from=${name} /usr/bin/tini-static /usr/bin/tini`]),
    ],
    addedStage: true,
  };
}

/** Path of a tini the stage chain already installs (RUN apk/apt/dnf, or COPY/ADD), or null. */
function existingTini(chain: readonly Stage[]): string | null {
  for (const stage of chain) {
    for (const instruction of [...stage.instructions].reverse()) {
      const keyword = instruction.getKeyword();
      const text = instruction.getArgumentsContent() ?? '';
      if (keyword === 'RUN' && /\btini\b/.test(text)) {
        if (/\bapk\s+add\b/.test(text)) return '/sbin/tini';
        if (/\b(apt-get|apt|microdnf|dnf|yum)\s+(-\S+\s+)*install\b/.test(text)) return '/usr/bin/tini';
      }
      if (keyword === 'COPY' || keyword === 'ADD') {
        const args = instruction
          .getArguments()
          .map((a) => a.getValue())
          .filter((a) => !a.startsWith('--'));
        const dest = args[args.length - 1];
        if (dest !== undefined && args.length >= 2 && args.slice(0, -1).some((a) => /tini/.test(a))) {
          if (!dest.endsWith('/')) return dest;
          const src = args[args.length - 2]!;
          return dest + src.slice(src.lastIndexOf('/') + 1);
        }
      }
    }
  }
  return null;
}

/** A non-root USER the final stage starts with (set by an earlier stage it builds on), or null. */
function inheritedUser(chain: readonly Stage[]): string | null {
  for (const stage of chain.slice(1)) {
    const user = lastOf(stage, 'USER');
    if (user) {
      const value = (user.getArgumentsContent() ?? '').trim();
      return /^(root|0)(:.*)?$/.test(value) ? null : value;
    }
  }
  return null;
}

function normaliseSignal(text: string): string {
  const s = text.trim().toUpperCase();
  const numbers: Record<string, string> = { '15': 'SIGTERM', '3': 'SIGQUIT', '2': 'SIGINT', '28': 'SIGWINCH' };
  return numbers[s] ?? (s.startsWith('SIG') ? s : `SIG${s}`);
}

function replaceArgs(instruction: Instruction, text: string, starts: readonly number[]): Splice {
  const range = instruction.getArgumentsRange() ?? instruction.getRange();
  return {
    start: starts[range.start.line]! + range.start.character,
    end: starts[range.end.line]! + range.end.character,
    text,
  };
}

function replaceWhole(instruction: Instruction, text: string, starts: readonly number[]): Splice {
  const range = instruction.getRange();
  return {
    start: starts[range.start.line]! + range.start.character,
    end: starts[range.end.line]! + range.end.character,
    text,
  };
}

/** The first line of the comment block directly above `line` (comments describe what follows them). */
function commentBlockStart(lines: readonly string[], line: number): number {
  let at = line;
  while (at > 0 && /^\s*#/.test(lines[at - 1] ?? '') && !/^\s*#\s*(syntax|escape|check)\s*=/i.test(lines[at - 1] ?? '')) at--;
  return at;
}

/** The init the final stage runs as PID 1 today (before any patch), or null. */
export function currentInit(source: string): string | null {
  const { stages } = parseStages(source);
  if (stages.length === 0) return null;
  const chain = ancestry(stages, stages.length - 1);
  const entry = chain.map((s) => lastOf(s, 'ENTRYPOINT')).find((x) => x !== null);
  if (!entry) return null;
  const command = readCommand(entry);
  return initIn(command.words ?? command.text.split(/\s+/));
}

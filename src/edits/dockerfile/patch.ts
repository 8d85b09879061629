/**
 * patchDockerfile: make the stage that runs deliver the stop signal to the app.
 *
 * Only the final stage (or the stage options.stage names) changes (plus, for images without a package manager, one small stage
 * inserted just before it that provides a static tini). Edits are splices at instruction
 * ranges found by dockerfile-ast, so comments, parser directives, heredocs, continuations and
 * line endings outside the touched instructions stay byte-identical.
 */
import type { Instruction } from 'dockerfile-ast';
import type { ImageFamily } from '../../detect/base-image.js';
import { isOwnInit, type Runtime } from '../../detect/container-runtime.js';
import { toExecForm } from '../../detect/simple-command.js';
import type { Stage } from '../../detect/dockerfile-stages.js';
import { inherited, lastOf, normaliseSignal, readStage, type StageFacts } from '../../detect/stage-run.js';
import { applySplices, detectEol, lineStarts, offsetAfterLine, type Splice } from './text-splice.js';
import { countEditRun } from '../../core/edit-runs.js';
import { note, type EditResult } from '../../core/edit-result.js';

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

/** What we found (and set) in the patched stage; the generators build the timeout chain from it. */
export interface DockerfileStage {
  image: string;
  family: ImageFamily;
  runtime: Runtime;
  stopSignal: string;
  /** The init that runs as PID 1 after the patch (tini, dumb-init...), or null (servers that are their own init). */
  init: string | null;
}

/**
 * Notes are warnings: what we could not fix, and changes of meaning we made. `data`: the stage
 * (detect/stage-run.ts reads the same facts; the init here is the one after the patch).
 */
export type DockerfilePatchResult = EditResult<DockerfileStage>;

function warned(text: string | false, warnings: readonly string[], stage: DockerfileStage): DockerfilePatchResult {
  return { text, notes: warnings.map((m) => note('warn', m)), data: stage };
}

/** Where a static tini comes from for images that cannot install one. Debian's package ships tini-static. */
const TINI_STAGE_IMAGE = 'debian:bookworm-slim';
const APT_TINI = 'apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*';

export function patchDockerfile(source: string, options: DockerfilePatchOptions = {}): DockerfilePatchResult {
  countEditRun('patchDockerfile', source, options);
  // What the stage runs and how it stops is detection's reading, shared with the compose and k8s parts.
  const reading = readStage(source, options);
  if (!('stages' in reading)) return warned(false, [reading.refusal], stageOf(reading.facts));
  const { stages, finalIndex, chain, base, entryInstr, cmdInstr, cmd, newEntryWords, warnings } = reading;
  let { newCmdWords } = reading;
  const entry = reading.entry;
  const final = stages[finalIndex]!;
  const root = chain[chain.length - 1]!;
  const baseEntry = base.inheritedEntrypoint;
  const { runtime, stopSignal } = reading.facts;
  let init = reading.facts.init;

  const eol = detectEol(source);
  const starts = lineStarts(source);
  const lines = source.split(/\r\n|\n|\r/);
  const lower = final.from.getInstruction() === final.from.getInstruction().toLowerCase();
  const kw = (k: string): string => (lower ? k.toLowerCase() : k);
  const splices: Splice[] = [];

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
    const inheritedStop = inherited(chain, 'STOPSIGNAL');
    if (!inheritedStop || normaliseSignal(inheritedStop.getArgumentsContent() ?? '') !== stopSignal) {
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
  return warned(text === source ? false : text, warnings, { image: root.image, family: base.family, runtime, stopSignal, init });
}

function stageOf(facts: StageFacts): DockerfileStage {
  return { image: facts.image, family: facts.family, runtime: facts.runtime, stopSignal: facts.stopSignal, init: facts.init };
}

/** The EditFn form, for plan-edit actions. */
export function dockerfileEdit(options: DockerfilePatchOptions = {}): (source: string) => string | false {
  return (source) => patchDockerfile(source, options).text;
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

/**
 * What a Dockerfile says, as typed facts: its stage names, the final stage's command (ENTRYPOINT +
 * CMD as words, with its WORKDIR), the timeout facts of the final stage (ENV budgets, the words
 * of each CMD/ENTRYPOINT), and what the stage that runs starts and how it stops (stageFacts).
 * Detection and the generators both ask here, with the file's current text (the plan's, which may
 * already hold this run's edits): the text is the key, so each version of a Dockerfile is parsed
 * once per run (./dockerfile-stages.ts) however many apps ask about it. A 200-app monorepo asked
 * about each of its 200 Dockerfiles for each app, parsing 40,000 times (bench/manifest-scale.mjs).
 */
import { posix } from 'node:path';
import type { From } from 'dockerfile-ast';
import { splitSimpleCommand } from './simple-command.js';
import { byText } from './by-text.js';
import { parseStages } from './dockerfile-stages.js';

/**
 * The stage that runs (the final one, or options.stage): base image family, runtime, stop signal, init,
 * USER and command words, read from the text's one parse (see ./stage-run.ts). The app's scripts and
 * runtime are inputs: an `npm start` command runs what the script says.
 */
export { stageFactsOf as stageFacts, type StageFacts, type StageOptions } from './stage-run.js';

/** ENTRYPOINT + CMD of the last stage as the container runs them, and the WORKDIR they run in. */
export interface FinalCommand {
  words: string[];
  workdir: string | null;
}

export interface DockerfileFacts {
  /** `AS name` of each stage, in order, lower-cased as BuildKit compares them; null when unnamed. */
  stageNames: (string | null)[];
  /** The final stage's command; null when it has neither ENTRYPOINT nor CMD. */
  finalCommand: FinalCommand | null;
  /**
   * The final stage's instructions the timeout chain reads, in file order: GRACEFUL_SHUTDOWN_TIMEOUT_MS
   * set by an ENV, and each CMD and ENTRYPOINT as words (a server's own timeout is in its flags).
   */
  timeoutClues: TimeoutClue[];
  /**
   * The file's last CMD and last ENTRYPOINT, whatever stage holds them, as written (null when absent or
   * empty): Python detection reads what a Dockerfile launches from them.
   */
  lastWritten: { cmd: string | null; entrypoint: string | null };
  /** WORKDIR, COPY and ADD of the whole file in order, each argument's value: where COPY puts a repo file in the image. */
  layout: { keyword: 'WORKDIR' | 'COPY' | 'ADD'; args: string[] }[];
}

export type TimeoutClue = { kind: 'env-budget'; ms: number } | { kind: 'command'; words: string[] };

/**
 * The facts of a Dockerfile's text, parsed once per distinct text; with the file's path, the text it
 * was last asked with is compared first (see ./by-text.ts).
 */
export const dockerfileFacts = byText(readDockerfile);

/** ENTRYPOINT + CMD of the last stage (a CMD inherited from an earlier FROM of the same file is not followed). */
export function finalStageCommand(text: string): FinalCommand | null {
  const command = dockerfileFacts(text).finalCommand;
  return command === null ? null : { words: [...command.words], workdir: command.workdir };
}

function readDockerfile(text: string): DockerfileFacts {
  const instructions = parseStages(text).dockerfile.getInstructions();
  const all = instructions.map((i) => ({ keyword: i.getKeyword(), content: i.getArgumentsContent() }));
  const stageNames: (string | null)[] = [];
  let from = -1;
  instructions.forEach((ins, i) => {
    if (ins.getKeyword() !== 'FROM') return;
    from = i;
    const name = (ins as From).getBuildStage();
    stageNames.push(name === null ? null : name.toLowerCase());
  });
  const stage = all.slice(from + 1);
  const timeoutClues: TimeoutClue[] = [];
  // An instruction before any FROM belongs to no stage; the timeout chain reads only a real final stage.
  if (from >= 0) {
    for (const { keyword, content } of stage) {
      const argText = content ?? '';
      if (keyword === 'ENV') {
        const m = /GRACEFUL_SHUTDOWN_TIMEOUT_MS[= ]\s*"?(\d+)/.exec(argText);
        if (m) timeoutClues.push({ kind: 'env-budget', ms: Number(m[1]) });
      }
      if (keyword === 'CMD' || keyword === 'ENTRYPOINT') {
        const words = argText.trim().startsWith('[') ? jsonWords(argText) : (splitSimpleCommand(argText) ?? argText.split(/\s+/));
        timeoutClues.push({ kind: 'command', words });
      }
    }
  }
  const lastOfFile = (kw: string): string | null => [...all].reverse().find((i) => i.keyword === kw)?.content || null;
  const layout: DockerfileFacts['layout'] = [];
  for (const ins of instructions) {
    const keyword = ins.getKeyword();
    if (keyword === 'WORKDIR' || keyword === 'COPY' || keyword === 'ADD')
      layout.push({ keyword, args: ins.getArguments().map((a) => a.getValue()) });
  }
  return {
    stageNames,
    finalCommand: commandOf(stage),
    timeoutClues,
    lastWritten: { cmd: lastOfFile('CMD'), entrypoint: lastOfFile('ENTRYPOINT') },
    layout,
  };
}

function commandOf(stage: readonly { keyword: string; content: string | null }[]): FinalCommand | null {
  const last = (kw: string) => [...stage].reverse().find((i) => i.keyword === kw);
  const words = (kw: string): string[] | null => {
    const content = last(kw)?.content;
    if (!content) return null;
    return execForm(content) ?? ['sh', '-c', content];
  };
  const entry = words('ENTRYPOINT');
  const cmd = words('CMD');
  let workdir: string | null = null;
  for (const ins of stage)
    if (ins.keyword === 'WORKDIR') {
      const w = ins.content?.trim() ?? '';
      workdir = w.startsWith('/') ? w : posix.join(workdir ?? '/', w);
    }
  if (!entry && !cmd) return null;
  // A shell-form ENTRYPOINT ignores CMD; an exec-form one gets CMD as its arguments.
  const runs = entry && entry[0] !== 'sh' ? [...entry, ...(cmd ?? [])] : (entry ?? cmd ?? []);
  // `docker-entrypoint.sh` of the official image passes through to its arguments.
  return { words: /(^|\/)docker-entrypoint\.sh$/.test(runs[0] ?? '') ? runs.slice(1) : runs, workdir };
}

function execForm(content: string): string[] | null {
  if (!content.trim().startsWith('[')) return null;
  try {
    const value: unknown = JSON.parse(content);
    return Array.isArray(value) && value.every((w) => typeof w === 'string') ? (value as string[]) : null;
  } catch {
    return null;
  }
}

/** Exec-form words, stringified; a broken JSON array falls back to whitespace words. */
function jsonWords(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return text.split(/\s+/);
  }
}

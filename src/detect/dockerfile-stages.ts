/**
 * A Dockerfile as stages, on top of dockerfile-ast: which instructions belong to which stage,
 * what each FROM resolves to (ARG defaults substituted), and which stage a stage builds on.
 * This is the one place a Dockerfile text is parsed: detection's readers, the generators' questions
 * and the edits of src/edits/dockerfile all take the parse of a text from here, so each distinct
 * text (the repo's, and each version this run's edits make of it) is parsed once per run.
 */
import { DockerfileParser, type Dockerfile, type From, type Instruction } from 'dockerfile-ast';
import { parsedOnce } from '../core/parse-count.js';

export interface Stage {
  from: From;
  /** `AS name`, lower-cased as BuildKit compares them; null when unnamed. */
  name: string | null;
  /** Instructions after the FROM, up to the next FROM. */
  instructions: Instruction[];
  /** The FROM image with global ARG defaults substituted (may still hold `${X}` when X has no default). */
  image: string;
}

export interface ParsedDockerfile {
  dockerfile: Dockerfile;
  stages: Stage[];
}

/**
 * The stages of a Dockerfile text, parsed once per distinct text. Callers share the result and only
 * read it (the edits splice the text at the instructions' ranges; none changes the syntax tree).
 */
export const parseStages: (source: string) => ParsedDockerfile = parsedOnce('dockerfile', parseFresh);

function parseFresh(source: string): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(source);
  const args = globalArgDefaults(dockerfile);
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = instruction as From;
      const name = from.getBuildStage();
      stages.push({
        from,
        name: name === null ? null : name.toLowerCase(),
        instructions: [],
        image: substitute(from.getImage() ?? '', args),
      });
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return { dockerfile, stages };
}

/**
 * The stage and the stages it builds on, nearest first: for `FROM build AS run`, [run, build, ...].
 * The last element's image is the real base image.
 */
export function ancestry(stages: readonly Stage[], index: number): Stage[] {
  const chain: Stage[] = [];
  let current: Stage | undefined = stages[index];
  let at = index;
  while (current !== undefined && !chain.includes(current)) {
    chain.push(current);
    const image = current.image.toLowerCase();
    const parentIndex = stages
      .slice(0, at)
      .map((s) => s.name)
      .lastIndexOf(image);
    if (parentIndex < 0) break;
    current = stages[parentIndex];
    at = parentIndex;
  }
  return chain;
}

function globalArgDefaults(dockerfile: Dockerfile): Map<string, string> {
  const values = new Map<string, string>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    const value = property?.getValue();
    if (property && value !== null && value !== undefined) values.set(property.getName(), value);
  }
  return values;
}

/** `${X}`, `${X:-d}`, `$X` with the ARG defaults; unknown variables stay as written. */
function substitute(text: string, values: Map<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare ?? '';
      const value = values.get(name);
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined && whole.includes(':-')) return fallback;
      return whole;
    },
  );
}

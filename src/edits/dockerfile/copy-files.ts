/**
 * Generated files must reach the image: a Dockerfile that copies an explicit list
 * (`COPY app migrations microblog.py config.py boot.sh ./`) does not pick up a new
 * signal_handlers.py or gunicorn.conf.py, and the app then fails at import (ModuleNotFoundError)
 * in the image's own `RUN flask ...` step or at start.
 *
 * This reads COPY/ADD the way the builder does (sources relative to the build context, directory
 * sources copied by content, destinations relative to WORKDIR, `--from` stages followed, the
 * .dockerignore applied) and extends the instruction that copies the app's entry file in its own
 * style, or adds one line after it; where it cannot, it says exactly which line to add.
 * The same holds for Node (`COPY package*.json server.js ./` has no shutdown.js: "Cannot find
 * module" at start); for an entry compiled in the image (TypeScript), the stage that copies the
 * sources it compiles is the one that needs the generated source.
 * Pure: the Dockerfile source in, the new source out.
 */
import { posix } from 'node:path';
import { composeFile } from '../../detect/container-files.js';
import type { Instruction } from 'dockerfile-ast';
import { parseStages, type Stage } from '../../detect/dockerfile-stages.js';
import { countEditRun } from '../../core/edit-runs.js';
import { note, type EditResult } from '../../core/edit-result.js';

export interface GeneratedFile {
  /** Build-context-relative path of the file the tool writes. */
  path: string;
  /**
   * Where the image needs it: 'entry' beside the entry module (it is imported from there),
   * 'workdir' in the final WORKDIR (gunicorn reads ./gunicorn.conf.py from its working directory).
   */
  at: 'entry' | 'workdir';
}

export interface CopyFilesInput {
  /** Build-context-relative path of the app's entry module. */
  entry: string;
  files: readonly GeneratedFile[];
  /** Whether the build context leaves a path out (.dockerignore); see dockerignoreMatcher(). */
  ignored?: (path: string) => boolean;
  /**
   * The image runs the entry's build output (TypeScript compiled in a build stage): when the final
   * stage does not hold the entry's source, the last stage that does (where it is compiled) must
   * hold the generated source beside it; the build output it copies on carries the compiled module.
   */
  compiled?: boolean;
}

export interface ManualCopy {
  file: string;
  /** The exact instruction to add, or the .dockerignore line. */
  line: string;
  reason: string;
}

/** What the edit did beyond the text. */
export interface CopyFilesData {
  /** Generated files the edit now copies. */
  added: string[];
  /** Files it could not add, with what to do (each is a warn note too: `reason: line`). */
  manual: ManualCopy[];
  /** The entry module is not copied into the image at all (mounted at run time, or built elsewhere). */
  entryNotCopied: boolean;
}

export type CopyFilesResult = EditResult<CopyFilesData>;

interface CopyPlan extends CopyFilesData {
  text: string | false;
}

interface CopyInstruction {
  instruction: Instruction;
  flags: string[];
  from: string | null;
  sources: string[];
  dest: string;
  /** WORKDIR in effect at this instruction. */
  workdir: string;
  /** Directories known to exist in the image at this instruction (WORKDIRs): a destination naming one is a directory. */
  dirs: ReadonlySet<string>;
  json: boolean;
}

function clean(path: string): string {
  const normal = posix.normalize(path.replace(/^\.\/+/, '')).replace(/\/+$/, '');
  return normal === '.' ? '' : normal.replace(/^\/+/, '');
}

/** `${X}`, `${X:-d}`, `$X` from ARG defaults and ENV values seen so far; unknown ones stay as written. */
function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_]\w*)(?::-([^}]*))?\}|\$([A-Za-z_]\w*)/g,
    (whole, braced?: string, fallback?: string, bare?: string) => vars.get(braced ?? bare ?? '') ?? fallback ?? whole,
  );
}

/** ARG name=default / ENV name=value / ENV name value. */
function recordVars(ins: Instruction, vars: Map<string, string>): void {
  const content = ins.getArgumentsContent()?.trim() ?? '';
  const pairs = /^[A-Za-z_]\w*=/.test(content)
    ? [...content.matchAll(/([A-Za-z_]\w*)=("[^"]*"|'[^']*'|\S*)/g)].map((m) => [m[1]!, m[2]!.replace(/^["']|["']$/g, '')] as const)
    : ins.getKeyword() === 'ENV' && /^[A-Za-z_]\w*\s+\S/.test(content)
      ? [[content.split(/\s+/)[0]!, content.replace(/^\S+\s+/, '')] as const]
      : [];
  for (const [name, value] of pairs) if (value !== '' || !vars.has(name)) vars.set(name, expand(value, vars));
}

function stageCopies(
  stage: Stage,
  inheritedWorkdir: string,
  globals: ReadonlyMap<string, string>,
): { copies: CopyInstruction[]; workdir: string } {
  let workdir = inheritedWorkdir;
  const copies: CopyInstruction[] = [];
  const dirs = new Set<string>(['/']);
  const addDir = (dir: string) => {
    for (let d = dir; d !== '/' && !dirs.has(d); d = posix.dirname(d)) dirs.add(d);
  };
  addDir(workdir);
  const vars = new Map(globals);
  for (const ins of stage.instructions) {
    const kw = ins.getKeyword();
    if (kw === 'ARG' || kw === 'ENV') {
      recordVars(ins, vars);
      continue;
    }
    if (kw === 'WORKDIR') {
      const dir = expand(ins.getArgumentsContent()?.trim() ?? '', vars);
      if (dir) workdir = posix.resolve(workdir, dir);
      addDir(workdir);
      continue;
    }
    if (kw !== 'COPY' && kw !== 'ADD') continue;
    // dockerfile-ast keeps --chown/--from apart from the arguments.
    const withFlags = ins as Instruction & { getFlags?: () => { toString(): string }[] };
    const flags = (withFlags.getFlags?.() ?? []).map((f) => f.toString());
    let words: string[];
    let json = false;
    const rest = expand(ins.getArgumentsContent() ?? '', vars).replace(/^\s*(--[\w-]+(?:=\S*)?\s+)+/, '');
    if (rest.trim().startsWith('[')) {
      try {
        const value: unknown = JSON.parse(rest.trim());
        if (!Array.isArray(value) || !value.every((w) => typeof w === 'string')) continue;
        words = value as string[];
        json = true;
      } catch {
        continue;
      }
    } else {
      words = rest
        .replace(/\\\r?\n/g, ' ')
        .trim()
        .split(/\s+/)
        .filter(Boolean);
    }
    if (words.length < 2) continue;
    const from =
      flags
        .find((f) => f.startsWith('--from='))
        ?.slice('--from='.length)
        .toLowerCase() ?? null;
    copies.push({
      instruction: ins,
      flags,
      from,
      sources: words.slice(0, -1),
      dest: words[words.length - 1]!,
      workdir,
      dirs: new Set(dirs),
      json,
    });
  }
  return { copies, workdir };
}

/** A glob source (`*.py`, `config/?.ini`) as a regex over context paths. */
function globRegex(glob: string): RegExp {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c))
    .join('');
  return new RegExp(`^${body}$`);
}

/** `COPY a b/`, `COPY a b c/`, `COPY a .`, or `COPY a /srv` where /srv is a WORKDIR: the destination is a directory. */
function isDirDest(copy: CopyInstruction): boolean {
  return (
    copy.dest.endsWith('/') ||
    copy.sources.length > 1 ||
    /(^|\/)\.$/.test(copy.dest) ||
    copy.dirs.has(posix.resolve(copy.workdir, copy.dest))
  );
}

/** Where `path` lands in the image through one COPY whose sources are in `space` ('' = build context). */
function landing(copy: CopyInstruction, path: string, sourcePath: (src: string) => string): string | null {
  const dest = posix.resolve(copy.workdir, copy.dest);
  const destDir = isDirDest(copy);
  let found: string | null = null;
  for (const raw of copy.sources) {
    const src = sourcePath(raw);
    if (/[*?]/.test(src)) {
      if (globRegex(src).test(path)) found = posix.join(dest, posix.basename(path));
    } else if (src === '') {
      found = posix.join(dest, path);
    } else if (path === src) {
      found = destDir ? posix.join(dest, posix.basename(path)) : dest;
    } else if (path.startsWith(`${src}/`)) {
      found = posix.join(dest, path.slice(src.length + 1));
    }
  }
  return found;
}

class ImageModel {
  private readonly stages: Stage[];
  private readonly perStage: { copies: CopyInstruction[]; workdir: string }[] = [];

  constructor(source: string) {
    const parsed = parseStages(source);
    this.stages = parsed.stages;
    const globals = new Map<string, string>();
    for (const arg of parsed.dockerfile.getInitialARGs()) recordVars(arg, globals);
    this.stages.forEach((stage, i) => {
      const parent = this.parentIndex(i);
      this.perStage.push(stageCopies(stage, parent === null ? '/' : this.perStage[parent]!.workdir, globals));
    });
  }

  get finalIndex(): number {
    return this.stages.length - 1;
  }

  copies(index: number): CopyInstruction[] {
    return this.perStage[index]?.copies ?? [];
  }

  workdir(index: number): string {
    return this.perStage[index]?.workdir ?? '/';
  }

  /** The stage this one is built FROM, when that is an earlier stage. */
  parentIndex(index: number): number | null {
    const image = this.stages[index]!.image.toLowerCase();
    const i = this.stages
      .slice(0, index)
      .map((s) => s.name)
      .lastIndexOf(image);
    return i < 0 ? null : i;
  }

  private stageByRef(ref: string, before: number): number | null {
    if (/^\d+$/.test(ref)) return Number(ref) < before ? Number(ref) : null;
    const i = this.stages
      .slice(0, before)
      .map((s) => s.name)
      .lastIndexOf(ref);
    return i < 0 ? null : i;
  }

  /** Image paths a build-context file has in stage `index` (one COPY may copy it again elsewhere). */
  landsAt(index: number, path: string, depth = 0): string[] {
    if (depth > 10) return [];
    const parent = this.parentIndex(index);
    const found = new Set(parent === null ? [] : this.landsAt(parent, path, depth + 1));
    for (const copy of this.copies(index)) {
      if (copy.from === null) {
        const at = landing(copy, path, clean);
        if (at !== null) found.add(at);
        continue;
      }
      const from = this.stageByRef(copy.from, index);
      if (from === null) continue;
      for (const there of this.landsAt(from, path, depth + 1)) {
        const at = landing(copy, there.slice(1), clean);
        if (at !== null) found.add(at);
      }
    }
    return [...found];
  }
}

/** Image paths of build-context files, final stage: what the image holds (for checks and reports). */
export function imagePaths(
  source: string,
  contextFiles: readonly string[],
  ignored: (path: string) => boolean = () => false,
): Map<string, string> {
  const model = new ImageModel(source);
  const out = new Map<string, string>();
  for (const file of contextFiles) {
    if (ignored(file)) continue;
    for (const at of model.landsAt(model.finalIndex, file)) out.set(at, file);
  }
  return out;
}

function offsetOf(source: string, line: number, character: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = source.indexOf('\n', offset) + 1;
  return offset + character;
}

/** A source written the way the instruction writes its own (`./x` when its sources start with ./). */
function styled(copy: CopyInstruction, path: string): string {
  return copy.sources.some((s) => s.startsWith('./')) ? `./${path}` : path;
}

function destFor(dir: string, workdir: string): string {
  if (dir === workdir) return './';
  if (dir.startsWith(`${workdir}/`) && workdir !== '/') return `${dir.slice(workdir.length + 1)}/`;
  return dir === '/' ? '/' : `${dir}/`;
}

/**
 * Make the final stage (for a compiled entry: the stage that compiles it) copy every generated file
 * the app needs. Files already copied (a `COPY . .`,
 * a directory copy that holds them) are left alone.
 */
export function copyGeneratedFiles(source: string, input: CopyFilesInput): CopyFilesResult {
  countEditRun('copyGeneratedFiles', source, input);
  const { text, ...data } = copyPlan(source, input);
  return { text, notes: data.manual.map((m) => note('warn', `${m.reason}: ${m.line}`)), data };
}

function copyPlan(source: string, input: CopyFilesInput): CopyPlan {
  const ignored = input.ignored ?? (() => false);
  const model = new ImageModel(source);
  const result: CopyPlan = { text: false, added: [], manual: [], entryNotCopied: false };
  if (model.finalIndex < 0) return result;
  // The stage that must hold the generated files: the final one, or for a compiled entry the last
  // stage holding its source (the build stage), and where the entry is there: the last place a COPY puts it.
  let stage = model.finalIndex;
  let entryAt = ignored(input.entry) ? null : (model.landsAt(stage, input.entry).pop() ?? null);
  for (let i = stage - 1; entryAt === null && input.compiled === true && !ignored(input.entry) && i >= 0; i--) {
    const at = model.landsAt(i, input.entry).pop() ?? null;
    if (at !== null) [stage, entryAt] = [i, at];
  }
  if (entryAt === null) {
    result.entryNotCopied = true;
    return result;
  }
  const workdir = model.workdir(stage);
  // An entry the stage inherits (`FROM base AS prod` after base copied it): the COPY to extend is in
  // the ancestor that copies it; what the image holds is still read from `stage`, its ancestors included.
  let editStage = stage;
  for (;;) {
    const own = model.copies(editStage).some((c) => c.from === null && landing(c, input.entry, clean) === entryAt);
    const parent = model.parentIndex(editStage);
    if (own || parent === null || !model.landsAt(parent, input.entry).includes(entryAt)) break;
    editStage = parent;
  }
  // Splices, applied from the end so offsets stay valid.
  const splices: { at: number; text: string; replace?: number; order?: number }[] = [];
  const copies = model.copies(editStage).filter((c) => c.from === null);
  /** Explicit lists to extend: instruction -> sources to add, in input order. */
  const extend = new Map<CopyInstruction, string[]>();
  for (const file of input.files) {
    const targetDir = file.at === 'entry' ? posix.dirname(entryAt) : workdir;
    const target = posix.join(targetDir, posix.basename(file.path));
    if (ignored(file.path)) {
      result.manual.push({
        file: file.path,
        line: `!${file.path}`,
        reason: `.dockerignore leaves ${file.path} out of the build context: add this line to it`,
      });
      continue;
    }
    if (model.landsAt(stage, file.path).includes(target)) continue;
    // An explicit list of files whose destination is the target directory: add the file to it.
    // The instruction that copies the entry first: the new file goes beside it in the same list.
    const ordered = [...copies].sort(
      (a, b) => Number(landing(b, input.entry, clean) === entryAt) - Number(landing(a, input.entry, clean) === entryAt),
    );
    const list = ordered.find((c) => {
      return (
        isDirDest(c) &&
        posix.resolve(c.workdir, c.dest) === targetDir &&
        c.sources.some(
          (s) =>
            !/[*?]/.test(s) &&
            posix.dirname(clean(s)) === posix.dirname(file.path) &&
            landing(c, clean(s), clean) === posix.join(targetDir, posix.basename(clean(s))),
        )
      );
    });
    if (list) {
      extend.set(list, [...(extend.get(list) ?? []), styled(list, file.path)]);
      result.added.push(file.path);
      continue;
    }
    // Otherwise one line after the instruction that copies the entry, with the same flags (--chown).
    const bringsEntry = [...copies].reverse().find((c) => landing(c, input.entry, clean) === entryAt);
    const flags = bringsEntry ? bringsEntry.flags.filter((f) => /^--(chown|chmod)=/.test(f)) : [];
    // The destination as the WORKDIR in effect at that COPY reads it (a later WORKDIR does not move it).
    const line = [
      'COPY',
      ...flags,
      bringsEntry ? styled(bringsEntry, file.path) : file.path,
      destFor(targetDir, bringsEntry?.workdir ?? workdir),
    ].join(' ');
    if (!bringsEntry) {
      result.manual.push({
        file: file.path,
        line,
        reason: `the image gets ${input.entry} from another stage: copy ${file.path} there too`,
      });
      continue;
    }
    const end = bringsEntry.instruction.getRange().end;
    const at = offsetOf(source, end.line, end.character);
    splices.push({ at, text: `\n${line}` });
    result.added.push(file.path);
  }
  for (const [list, added] of extend) {
    if (list.json) {
      const range = list.instruction.getRange();
      const start = offsetOf(source, range.start.line, range.start.character);
      const text = source.slice(start, offsetOf(source, range.end.line, range.end.character));
      const open = text.indexOf('[');
      const words = [...list.sources, ...added, list.dest];
      splices.push({ at: start + open, replace: text.length - open, text: `[${words.map((w) => JSON.stringify(w)).join(', ')}]` });
    } else {
      const args = list.instruction.getArguments();
      const end = args[args.length - 2]!.getRange().end;
      splices.push({ at: offsetOf(source, end.line, end.character), text: added.map((a) => ` ${a}`).join('') });
    }
  }
  if (splices.length === 0) return result;
  let text = source;
  // From the end so offsets stay valid; at one offset the later file first, so the list keeps input order.
  splices.forEach((s, i) => (s.order = i));
  for (const s of splices.sort((a, b) => b.at - a.at || b.order! - a.order!))
    text = text.slice(0, s.at) + s.text + text.slice(s.at + (s.replace ?? 0));
  result.text = text;
  return result;
}

/** A .dockerignore as a predicate over context paths (last matching pattern wins, `!` re-includes). */
export function dockerignoreMatcher(text: string | null): (path: string) => boolean {
  if (text === null) return () => false;
  const rules: { negate: boolean; re: RegExp }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = clean(line);
    if (line === '') continue;
    const body = line
      .split('/')
      .map((part) =>
        part === '**'
          ? '(?:.*)'
          : part
              .split('')
              .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c))
              .join(''),
      )
      .join('/')
      .replace(/\(\?:\.\*\)\//g, '(?:.*/)?');
    // A pattern matches the path itself or any directory above it.
    rules.push({ negate, re: new RegExp(`^${body}(?:/.*)?$`) });
  }
  return (path) => {
    let out = false;
    for (const rule of rules) if (rule.re.test(path)) out = !rule.negate;
    return out;
  };
}

/**
 * The build context of a Dockerfile: the `build.context` of a compose service that builds with it,
 * else the Dockerfile's own directory. Repo-relative ('' for the root).
 */
export function buildContextOf(dockerfile: string, composeFiles: readonly { path: string; text: string }[]): string {
  const own = posix.dirname(dockerfile) === '.' ? '' : posix.dirname(dockerfile);
  for (const compose of composeFiles) {
    const file = composeFile(compose.text, compose.path);
    // A file of several YAML documents is not read as one compose project here.
    if (file.documents > 1) continue;
    const base = posix.dirname(compose.path) === '.' ? '' : posix.dirname(compose.path);
    for (const service of file.services) {
      // Only `build: { context: ... }` says the context; a `build: ./dir` string is the Dockerfile's own dir.
      if (service.buildForm !== 'map' || !service.buildContextSet || service.buildContext === null) continue;
      const dir = clean(posix.join(base, service.buildContext));
      if (clean(posix.join(dir, service.dockerfile ?? 'Dockerfile')) === dockerfile) return dir;
    }
  }
  return own;
}

/**
 * The upgrade manifest, `.graceful-shutdown.json` at the repository root: what the tool generated
 * and edited last time, so a re-run can tell the user's edits from its own and merge them.
 * Parsing validates everything; a bad manifest is one error line naming the file.
 */
import { PARTS, type Answers } from '../answers.js';
import { UserError } from '../core/errors.js';
import type { ReadFile } from '../core/plan.js';
import { sha256 } from './hash.js';

export const MANIFEST_PATH = '.graceful-shutdown.json';
/**
 * Bumped when the manifest's shape changes incompatibly. 2: generated texts are stored once, in
 * "bases" keyed by their sha256, and entries name theirs (`base`): a monorepo of 200 apps with the
 * same module records it once. Format 1 (texts inline as `lines`) is still read.
 */
export const MANIFEST_FORMAT = 2;
/** The manifest is read with its own limit: it grows with the repo, unlike the code files the tool edits. */
export const MANIFEST_MAX_BYTES = 64 * 1024 * 1024;
const TOOL = 'create-graceful-shutdown';

/** A file the tool generated (it owns the content; the user may edit it). */
export interface GeneratedEntry {
  /** Generator that produced it ('' when unknown). */
  generator: string;
  /** App.dir it was generated for; lets a renamed app dir find its old files. */
  app: string;
  /** sha256 of the file as the tool left it (after merging the user's edits): tells later hand edits. */
  sha256: string;
  /**
   * What the tool generated, as lines (split on '\n', so joining restores it byte for byte): the base
   * of the next three-way merge. Lines keep the manifest's own diff readable in a pull request.
   */
  lines: string[];
}

/** A generated file the user deleted: it stays deleted. */
export interface DeletedEntry {
  generator: string;
  app: string;
  deleted: true;
}

/** A user's file the tool edits (pure edits; a re-run applies them again). */
export interface EditedEntry {
  /** Generators whose edits apply to it. */
  by: string[];
  reason: string;
  /** Generated files its edits import (they must exist for it to run); absent when none. */
  needs?: string[];
}

export interface Manifest {
  format: number;
  tool: string;
  version: string;
  answers: Partial<Answers>;
  generated: Record<string, GeneratedEntry | DeletedEntry>;
  edited: Record<string, EditedEntry>;
}

export function isDeleted(e: GeneratedEntry | DeletedEntry): e is DeletedEntry {
  return 'deleted' in e && e.deleted === true;
}

/** The text a generated entry stands for. */
export function entryText(e: GeneratedEntry): string {
  return e.lines.join('\n');
}

export function linesOf(text: string): string[] {
  return text.split('\n');
}

/** Serialised with sorted paths and no timestamps: the same run twice gives the same bytes. */
export function serializeManifest(m: Manifest): string {
  const sorted = <T>(r: Record<string, T>): Record<string, T> =>
    Object.fromEntries(
      Object.keys(r)
        .sort()
        .map((k) => [k, r[k] as T]),
    );
  const bases: Record<string, string[]> = {};
  const generated: Record<string, unknown> = {};
  for (const [path, e] of Object.entries(m.generated)) {
    if (isDeleted(e)) {
      generated[path] = e;
      continue;
    }
    const key = sha256(entryText(e));
    bases[key] = e.lines;
    generated[path] = { generator: e.generator, app: e.app, sha256: e.sha256, base: key };
  }
  const out = {
    $comment: `Written by ${TOOL}: what it generated and edited, so that running it again (e.g. after upgrading it) keeps your edits. Commit it with the files; do not edit it.`,
    format: MANIFEST_FORMAT,
    tool: m.tool,
    version: m.version,
    answers: m.answers,
    generated: sorted(generated),
    edited: sorted(m.edited),
    bases: sorted(bases),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The previous run's manifest, or null when there is none. */
export function readManifest(read: ReadFile): Manifest | null {
  const text = read(MANIFEST_PATH);
  return text === null ? null : parseManifest(text);
}

function invalid(detail: string): UserError {
  return new UserError(
    `not a valid ${TOOL} manifest: ${detail}; fix it, or delete it to start over (re-running then cannot tell your edits from generated code)`,
    {
      file: MANIFEST_PATH,
    },
  );
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Json, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw invalid(`${where}${key} must be a string`);
  return v;
}

function strings(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalid(`${where} must be a list of strings`);
  return v as string[];
}

export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalid(`not JSON (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
  if (!isObject(raw)) throw invalid('expected a JSON object');
  if (raw['tool'] !== TOOL) throw invalid(`"tool" must be "${TOOL}"`);
  const format = raw['format'];
  if (typeof format !== 'number' || !Number.isInteger(format) || format < 1) throw invalid('"format" must be a positive whole number');
  const version = str(raw, 'version', '');
  if (format > MANIFEST_FORMAT) {
    throw new UserError(
      `written by ${TOOL} ${version} (manifest format ${format}); this is an older version that reads format ${MANIFEST_FORMAT}: upgrade the tool`,
      {
        file: MANIFEST_PATH,
      },
    );
  }
  const bases = format >= 2 ? parseBases(raw['bases']) : null;
  return {
    format,
    tool: TOOL,
    version,
    answers: parseAnswers(raw['answers']),
    generated: parseRecord(raw['generated'], 'generated', (e, where) => parseGenerated(e, where, bases)),
    edited: parseRecord(raw['edited'], 'edited', parseEdited),
  };
}

function parseBases(v: unknown): Map<string, string[]> {
  if (!isObject(v)) throw invalid('"bases" must be an object keyed by sha256');
  const out = new Map<string, string[]>();
  for (const [key, lines] of Object.entries(v)) {
    const list = strings(lines, `bases["${key}"]`);
    if (sha256(list.join('\n')) !== key) throw invalid(`bases["${key}"] does not match its sha256`);
    out.set(key, list);
  }
  return out;
}

function parseRecord<T>(v: unknown, name: string, entry: (e: unknown, where: string) => T): Record<string, T> {
  if (!isObject(v)) throw invalid(`"${name}" must be an object keyed by file path`);
  const out: Record<string, T> = {};
  for (const [path, e] of Object.entries(v)) {
    if (path === '' || path.startsWith('/') || path.split('/').includes('..'))
      throw invalid(`${name}: '${path}' is not a path inside the repository`);
    out[path] = entry(e, `${name}["${path}"].`);
  }
  return out;
}

function parseGenerated(e: unknown, where: string, bases: Map<string, string[]> | null): GeneratedEntry | DeletedEntry {
  if (!isObject(e)) throw invalid(`${where.slice(0, -1)} must be an object`);
  const generator = str(e, 'generator', where);
  const app = str(e, 'app', where);
  if (e['deleted'] === true) return { generator, app, deleted: true };
  const sha = str(e, 'sha256', where);
  if (!/^[0-9a-f]{64}$/.test(sha)) throw invalid(`${where}sha256 must be 64 lowercase hex digits`);
  if (bases === null) return { generator, app, sha256: sha, lines: strings(e['lines'], `${where}lines`) };
  const base = str(e, 'base', where);
  const lines = bases.get(base);
  if (lines === undefined) throw invalid(`${where}base names no entry of "bases"`);
  return { generator, app, sha256: sha, lines };
}

function parseEdited(e: unknown, where: string): EditedEntry {
  if (!isObject(e)) throw invalid(`${where.slice(0, -1)} must be an object`);
  const entry: EditedEntry = { by: strings(e['by'], `${where}by`), reason: str(e, 'reason', where) };
  if (e['needs'] !== undefined) entry.needs = strings(e['needs'], `${where}needs`);
  return entry;
}

function wholeNumber(v: unknown, key: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(`answers.${key} must be a whole number`);
  return v;
}

/** Recorded answers, type-checked; keys this version does not know are ignored. */
function parseAnswers(v: unknown): Partial<Answers> {
  if (!isObject(v)) throw invalid('"answers" must be an object');
  const a: Partial<Answers> = {};
  if (v['apps'] !== undefined) a.apps = strings(v['apps'], 'answers.apps');
  if (v['parts'] !== undefined) {
    const parts = strings(v['parts'], 'answers.parts');
    const unknown = parts.find((p) => !(PARTS as readonly string[]).includes(p));
    if (unknown !== undefined) throw invalid(`answers.parts: unknown part '${unknown}' (known: ${PARTS.join(', ')})`);
    a.parts = parts as Answers['parts'];
  }
  if (v['timeoutMs'] !== undefined) a.timeoutMs = wholeNumber(v['timeoutMs'], 'timeoutMs');
  if (v['shutdownDelayMs'] !== undefined) a.shutdownDelayMs = wholeNumber(v['shutdownDelayMs'], 'shutdownDelayMs');
  if (v['preStopSeconds'] !== undefined) a.preStopSeconds = wholeNumber(v['preStopSeconds'], 'preStopSeconds');
  if (v['exitMode'] !== undefined) {
    if (v['exitMode'] !== 'zero' && v['exitMode'] !== 'signal') throw invalid(`answers.exitMode must be "zero" or "signal"`);
    a.exitMode = v['exitMode'];
  }
  return a;
}

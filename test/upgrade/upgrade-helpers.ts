/** Shared by the upgrade end-to-end tests: runs of the built CLI with either template set, and anchors for edits. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { structuredPatch } from 'diff';
import { ROOT, runCli, type CliResult } from '../helpers/tree.js';

export const TEMPLATES_V1 = join(ROOT, 'test', 'fixtures', 'upgrade', 'templates-v1');
export const MANIFEST = '.graceful-shutdown.json';

/** Fails early, with the fix, when the CLI has not been built. */
export function requireBuild(): void {
  for (const f of ['dist/cli/main.js', 'dist/upgrade/reconcile.js']) {
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` before these tests`);
  }
}

/** The CLI with `--yes`, as the older version (templates-v1) or the current one. */
export function cgs(
  dir: string,
  args: string[] = [],
  opts: { version?: 'v1' | 'v2'; env?: Record<string, string | undefined> } = {},
): CliResult {
  const env = { CGS_TEMPLATES_DIR: opts.version === 'v1' ? TEMPLATES_V1 : undefined, ...opts.env };
  return runCli([dir, '--yes', ...args], { env, timeoutMs: 120_000 });
}

export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), 'utf8');
}

export function write(dir: string, path: string, text: string): void {
  writeFileSync(join(dir, path), text);
}

export function manifestOf(dir: string): {
  version: string;
  answers: Record<string, unknown>;
  generated: Record<string, Record<string, unknown>>;
  edited: Record<string, unknown>;
} {
  return JSON.parse(read(dir, MANIFEST));
}

/** The base text the manifest records for a generated file, as lines (stored once in "bases", by hash). */
export function baseLines(dir: string, path: string): string[] | undefined {
  const m = JSON.parse(read(dir, MANIFEST)) as {
    generated: Record<string, { base?: string; lines?: string[] }>;
    bases?: Record<string, string[]>;
  };
  const e = m.generated[path];
  return e?.lines ?? (e?.base === undefined ? undefined : m.bases?.[e.base]);
}

/** Indexes (0-based, in `oldText`) of the lines that `newText` changes or removes. */
export function changedOldLines(oldText: string, newText: string): number[] {
  const out: number[] = [];
  for (const h of structuredPatch('a', 'b', oldText, newText, undefined, undefined, { context: 0 }).hunks) {
    let i = h.oldStart - 1;
    for (const l of h.lines) {
      if (l.startsWith('-')) out.push(i++);
      else if (l.startsWith(' ')) i++;
    }
    // A pure insertion touches the gap before oldStart: count the neighbours as changed.
    if (h.oldLines === 0) out.push(h.oldStart - 1, h.oldStart);
  }
  return out;
}

/**
 * A line of `oldText` far (more than `margin` lines) from anything `newText` changes, unique in both
 * texts, and not blank: inserting after it is an edit a three-way merge must carry over cleanly.
 */
export function quietAnchor(oldText: string, newText: string, margin = 4): string {
  const oldLines = oldText.split('\n');
  const newLines = newText.split('\n');
  const changed = changedOldLines(oldText, newText);
  const count = (ls: string[], l: string): number => ls.filter((x) => x === l).length;
  const candidates = oldLines
    .map((l, i) => ({ l, i }))
    .filter(
      ({ l, i }) =>
        l.trim().length > 3 && count(oldLines, l) === 1 && count(newLines, l) === 1 && changed.every((c) => Math.abs(c - i) > margin),
    );
  const pick = candidates[Math.floor(candidates.length / 2)];
  if (!pick) throw new Error('no line of the old output is far from the new version changes');
  return pick.l;
}

/** `text` with `block` inserted after the (unique) line `anchor`. */
export function insertAfter(text: string, anchor: string, block: string): string {
  const at = text.indexOf(`${anchor}\n`);
  if (at === -1 || text.indexOf(`${anchor}\n`, at + 1) !== -1) throw new Error(`anchor not found once: ${anchor}`);
  const end = at + anchor.length + 1;
  return text.slice(0, end) + block + text.slice(end);
}

/** A user's edit: lines a template never generates, with a CRLF and trailing spaces to prove byte-exactness. */
export const USER_BLOCK = '  // my edit: keep the metrics flush here  \r\n  // (added by hand, kept across upgrades)\n';

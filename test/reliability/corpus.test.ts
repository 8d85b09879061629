/**
 * The bad-input corpus, run through the built CLI as a real subprocess. Every case: the right exit
 * code, at most one line on stderr that names the file and says what to do, no stack trace, and
 * a fingerprint of the whole tree (and of any directory outside it that a link points to) equal
 * before and after, unless the run succeeded, in which case everything written must parse.
 *
 * UPDATE_RELIABILITY_DOC=1 rewrites docs/reliability.md from the outcomes of this run.
 */
import { afterAll, describe, expect as globalExpect, it, type ExpectStatic } from 'vitest';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES, outsideDir, type Case } from './cases.js';
import { changedPaths, cleanupTemps, fingerprint, fixtureCopy, ROOT, runCli, runCliAsync, STACK_LINE, type CliResult } from './harness.js';
import { outputProblem } from './validate.js';

interface Row {
  name: string;
  what: string;
  outcome: string;
  changed: string;
}

const rows: Row[] = [];

afterAll(() => {
  cleanupTemps();
  if (process.env['UPDATE_RELIABILITY_DOC'] === '1' && rows.length === CASES.length) writeDoc(rows);
});

/** Text of every small regular file, to compare line endings and BOMs and to give parsers the input. */
function texts(dir: string, paths: string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const p of paths) {
    const abs = join(dir, p);
    try {
      const st = lstatSync(abs);
      out.set(p, st.isFile() && st.size < 4 * 1024 * 1024 ? readFileSync(abs, 'utf8') : null);
    } catch {
      out.set(p, null);
    }
  }
  return out;
}

function stderrLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l.trim() !== '');
}

/** The single stderr line of a failing run, checked for shape. */
function expectOneCleanLine(expect: ExpectStatic, r: CliResult): string {
  const lines = stderrLines(r);
  expect(lines, r.stderr).toHaveLength(1);
  const line = lines[0] as string;
  expect(line).toMatch(/^create-graceful-shutdown: /);
  expect(line).not.toMatch(/internal error/);
  // "what to do": every message ends with advice after a semicolon, or points to --help.
  expect(line).toMatch(/(; \S.+|\(see --help\))$/);
  expect(r.stderr).not.toMatch(STACK_LINE);
  return line;
}

function expectNoCrash(expect: ExpectStatic, r: CliResult): void {
  expect(r.signal, 'the CLI was killed by the test timeout').toBeNull();
  expect(r.stdout + r.stderr, r.stderr).not.toMatch(/internal error/);
  expect(r.stdout + r.stderr, r.stderr).not.toMatch(STACK_LINE);
}

/** A successful run: every file written parses, line endings and BOMs are kept, no temp files remain. */
function expectGoodWrites(
  expect: ExpectStatic,
  dir: string,
  changed: string[],
  before: Map<string, string | null>,
  untouched: string[],
): void {
  for (const p of untouched) expect(changed, `${p} must not change`).not.toContain(p);
  for (const p of changed) {
    expect(p, 'a staging temp file was left behind').not.toMatch(/\.cgs-[\w-]+\.tmp$/);
    if (p.endsWith('/')) continue;
    const abs = join(dir, p);
    if (!existsSync(abs)) continue;
    const after = readFileSync(abs, 'utf8');
    const was = before.get(p) ?? null;
    expect(outputProblem(p, after.replace(/^\uFEFF/, ''), was), `${p} must parse`).toBeNull();
    if (was?.startsWith('\uFEFF')) expect(after.startsWith('\uFEFF'), `${p} keeps its BOM`).toBe(true);
    if (was?.includes('\r\n') && !/(^|[^\r])\n/.test(was)) expect(/(^|[^\r])\n/.test(after), `${p} keeps CRLF line endings`).toBe(false);
  }
}

const redact = (s: string, dir: string): string => s.split(dir).join('<repo>');

async function runCase(expect: ExpectStatic, c: Case): Promise<void> {
  const dir = fixtureCopy(c.fixture, c.name);
  const outside = outsideDir(c.name);
  c.recipe?.(dir, { outside });
  const args = c.args?.(dir) ?? [dir, '--yes'];
  const before = fingerprint(dir);
  const outsideBefore = fingerprint(outside);
  const beforeTexts = texts(dir, Object.keys(before));
  const opts = c.dropDac ? { dropDac: true } : {};

  const e = c.expect;
  if (e.kind !== 'fail') {
    // A dry run computes the whole plan and must not write a byte.
    const dry = await runCliAsync([...args, '--dry-run'], opts);
    expectNoCrash(expect, dry);
    expect(changedPaths(before, fingerprint(dir)), 'the dry run wrote').toEqual([]);
  }

  const r = await runCliAsync(args, opts);
  expectNoCrash(expect, r);
  const changed = changedPaths(before, fingerprint(dir));
  expect(changedPaths(outsideBefore, fingerprint(outside)), 'something outside the repo changed').toEqual([]);
  const output = `${r.stdout}\n${r.stderr}`;

  let outcome: string;
  if (e.kind === 'fail' || (e.kind === 'refuseOrSkip' && r.code !== 0)) {
    if (e.kind === 'fail') expect(r.code, output).toBe(e.code);
    else expect(r.code, output).not.toBe(0);
    const line = expectOneCleanLine(expect, r);
    if (e.kind === 'fail') expect(line).toMatch(e.line);
    else expect(line).toContain(e.file);
    expect(changed, 'a failing run must write nothing').toEqual([]);
    outcome = `exit ${r.code}: \`${redact(line, dir)}\``;
  } else {
    expect(r.code, output).toBe(0);
    expect(
      stderrLines(r).filter((l) => !/^warning: /.test(l)),
      r.stderr,
    ).toEqual([]);
    const untouched = e.kind === 'refuseOrSkip' ? [e.file] : (e.untouched ?? []);
    expectGoodWrites(expect, dir, changed, beforeTexts, untouched);
    const warning =
      e.kind === 'refuseOrSkip'
        ? output.split('\n').find((l) => /warning/i.test(l) && l.includes(e.file))
        : e.warn
          ? output.split('\n').find((l) => e.warn?.test(l))
          : undefined;
    if (e.kind === 'refuseOrSkip') expect(warning, `a warning naming ${e.file}`).toBeDefined();
    if (e.kind === 'ok' && e.warn) expect(output).toMatch(e.warn);
    outcome = `exit 0${warning ? `, \`${redact(warning.trim(), dir)}\`` : ''}`;
  }
  const files = changed.filter((p) => !p.endsWith('/'));
  rows.push({
    name: c.name,
    what: c.what,
    outcome,
    changed: e.kind === 'fail' || r.code !== 0 ? '0' : `dry run 0; run ${files.length}${untouchedNote(c)}`,
  });
}

function untouchedNote(c: Case): string {
  const e = c.expect;
  const list = e.kind === 'refuseOrSkip' ? [e.file] : e.kind === 'ok' ? (e.untouched ?? []) : [];
  return list.length ? ` (${list.join(', ')} untouched)` : '';
}

describe('bad-input corpus through the CLI', () => {
  it('has at least 30 cases with unique names', () => {
    const expect = globalExpect;
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  // Cases are independent temp repos: run them side by side (vitest's maxConcurrency, 5 by default).
  it.concurrent.for(CASES.map((c) => [c.name, c] as const))('%s', { timeout: 180_000 }, async ([, c], { expect }) => runCase(expect, c));

  it('--debug adds the stack trace; without it there is none', () => {
    const expect = globalExpect;
    const dir = fixtureCopy('malformed-package-json', 'debug');
    const plain = runCli([dir, '--yes']);
    const debug = runCli([dir, '--yes', '--debug']);
    expect(plain.code).toBe(1);
    expect(debug.code).toBe(1);
    expect(plain.stderr).not.toMatch(STACK_LINE);
    expect(debug.stderr).toMatch(STACK_LINE);
    expect(debug.stderr.split('\n')[0]).toBe(plain.stderr.split('\n')[0]);
  });
});

function writeDoc(all: Row[]): void {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const order = new Map(CASES.map((c, i) => [c.name, i]));
  const sorted = [...all].sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  const table = sorted.map((r) => `| ${r.name} | ${esc(r.what)} | ${esc(r.outcome)} | ${r.changed} |`).join('\n');
  const doc = readFileSync(join(ROOT, 'docs', 'reliability.md'), 'utf8');
  const start = '<!-- corpus:start -->';
  const end = '<!-- corpus:end -->';
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i === -1 || j === -1) throw new Error('docs/reliability.md lacks the corpus markers');
  const body = `${start}\n| case | input | outcome (exit code, the line printed) | files changed |\n| --- | --- | --- | --- |\n${table}\n${end}`;
  writeFileSync(join(ROOT, 'docs', 'reliability.md'), doc.slice(0, i) + body + doc.slice(j + end.length));
}

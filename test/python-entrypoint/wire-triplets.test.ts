/**
 * The entrypoint edit over fixture triplets: input.py + options.json -> the snapshot in
 * snapshots/python-entrypoint/<case>/output.py. For every case it also proves: the edit only
 * inserts (every byte of the input survives, in order) apart from a job loop's `True` / `1`
 * becoming `keep_running()`, its sleeps becoming `interruptible_sleep(...)` /
 * `interruptible_sleep_async(...)` and a `time` import the rewrite leaves unused going away,
 * Python's own parser accepts the output, and a second
 * application is `false`. Where the job loop is left alone, the warning the generator adds
 * (jobLoopNote) is in snapshots/python-entrypoint/<case>/note.txt: `loop-*` cases are rewritten
 * and have no note; `note-*` cases have a job loop the edit cannot rewrite safely, so the edit
 * leaves the module as it is (`false`) and the note says what to change.
 */
import { diffChars } from 'diff';
import { describe, expect, it } from 'vitest';
import { jobLoopNote, wirePythonEntrypoint } from '../../src/edits/python-entrypoint.js';
import { loadCases, pythonSyntaxError } from './fixtures.js';

const cases = loadCases((name) => !name.startsWith('refuse-'));

describe('wirePythonEntrypoint', () => {
  it('has at least 10 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, { input, options }) => {
    expect(pythonSyntaxError(input)).toBeNull();
    const output = wirePythonEntrypoint(input, options).text;
    if (name.startsWith('note-')) {
      // A job loop it cannot make stop between jobs: the module is left as it is, and the note says why and what to change.
      expect(output).toBe(false);
      const note = jobLoopNote(input, options);
      expect(note?.leaveAlone).toBe(true);
      await expect(`${note!.message}\n`).toMatchFileSnapshot(`../../snapshots/python-entrypoint/${name}/note.txt`);
      return;
    }
    if (output === false) throw new Error(`${name}: the edit made no change`);
    await expect(output).toMatchFileSnapshot(`../../snapshots/python-entrypoint/${name}/output.py`);

    // The replacements the edit makes: the job loop's condition and its sleeps (see the loop-* cases).
    const loops = (text: string): number => (text.match(/^[ \t]*while keep_running\(\):/gm) ?? []).length;
    const rewritten = loops(output) - loops(input);
    expect(rewritten).toBe(name.startsWith('loop-') ? 1 : 0);
    let expected = input;
    if (rewritten) {
      // A sleep line counts as rewritten when the output holds it rewritten (sleeps in called functions stay).
      const outLines = new Set(output.split(/\r?\n/));
      expected = expected
        .replace(/^([ \t]*while) (True|1):/gm, '$1 keep_running():')
        .split('\n')
        .map((line) => {
          const sync = line.replace(/\b(time\.)?sleep\(/, 'interruptible_sleep(');
          const async = line.replace(/\bawait (asyncio\.)?sleep\(/, 'await interruptible_sleep_async(');
          return [async, sync].find((l) => l !== line && outLines.has(l.replace(/\r$/, ''))) ?? line;
        })
        .join('\n');
      // A `time` import nothing else uses any more is dropped, as a whole line.
      for (const line of ['import time', 'from time import sleep']) {
        if (!new RegExp(`^${line}$`, 'm').test(output)) expected = expected.replace(new RegExp(`^${line}\r?\n`, 'm'), '');
      }
    }
    const removed = diffChars(expected, output).filter((part) => part.removed);
    expect(removed).toEqual([]);
    expect(pythonSyntaxError(output)).toBeNull();

    // Idempotent: applying twice equals applying once.
    expect(wirePythonEntrypoint(output, options).text).toBe(false);

    const note = jobLoopNote(output, options);
    if (name.startsWith('loop-')) expect(note).toBeNull();
    if (note) await expect(`${note.message}\n`).toMatchFileSnapshot(`../../snapshots/python-entrypoint/${name}/note.txt`);
  });

  it('keeps CRLF line ends: no bare LF appears in a CRLF file', () => {
    const crlf = cases.find((c) => c.name === 'crlf')!;
    const output = wirePythonEntrypoint(crlf.input, crlf.options).text as string;
    expect(output.length).toBeGreaterThan(crlf.input.length);
    expect(/(^|[^\r])\n/.test(output)).toBe(false);
  });

  it('puts the import after the docstring and the __future__ import, the shebang and coding line first', () => {
    const c = cases.find((x) => x.name === 'docstring-future')!;
    const lines = (wirePythonEntrypoint(c.input, c.options).text as string).split('\n');
    expect(lines.slice(0, 2)).toEqual(['#!/usr/bin/env python3', '# -*- coding: utf-8 -*-']);
    const future = lines.indexOf('from __future__ import annotations');
    const ours = lines.indexOf('from signal_handlers import setup_signal_handlers');
    expect(future).toBeGreaterThan(2);
    expect(ours).toBeGreaterThan(future);
  });

  it('imports package-relative when asked, and never both ways', () => {
    const c = cases.find((x) => x.name === 'package-relative')!;
    const output = wirePythonEntrypoint(c.input, c.options).text as string;
    expect(output).toContain('from .signal_handlers import hook_lifespan');
    expect(output).not.toMatch(/^from signal_handlers/m);
  });
});

describe('wirePythonEntrypoint keeps what it does not edit', () => {
  it('a UTF-8 byte order mark stays first', () => {
    const c = cases.find((x) => x.name === 'fastapi-basic')!;
    const plain = wirePythonEntrypoint(c.input, c.options).text as string;
    expect(wirePythonEntrypoint(`\uFEFF${c.input}`, c.options).text).toBe(`\uFEFF${plain}`);
    expect(wirePythonEntrypoint(`\uFEFF${plain}`, c.options).text).toBe(false);
  });

  it('gunicorn mode calls setup at module level even with a __main__ block (gunicorn never runs it)', () => {
    const c = cases.find((x) => x.name === 'flask-main-block-gunicorn')!;
    const output = wirePythonEntrypoint(c.input, c.options).text as string;
    expect(output).toMatch(/^setup_signal_handlers\(\)$/m);
    expect(output).not.toMatch(/^[ \t]+setup_signal_handlers\(\)$/m);
  });
});

/**
 * The syntax check that guards the edit: Lezer's Python grammar flags a few valid constructs as
 * errors (bare `yield`, `4.`, class patterns in `case`). Every module of this machine's CPython
 * standard library must pass, and real syntax errors must not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firstSyntaxProblem, parseModule } from '../../src/edits/python/parse.js';

const STDLIB = '/usr/lib/python3.11';

describe('firstSyntaxProblem', () => {
  it('accepts every top-level module of the CPython standard library', () => {
    const files = readdirSync(STDLIB).filter((f) => f.endsWith('.py'));
    expect(files.length).toBeGreaterThan(100);
    const flagged = files.filter((f) => firstSyntaxProblem(parseModule(readFileSync(`${STDLIB}/${f}`, 'utf8'))) !== null);
    expect(flagged).toEqual([]);
  });

  it.each([
    ['def f(:\n    pass\n', 1, 7],
    ['x = (1,\n', 2, 1],
    ['if x\n    y = 1\n', 1, 5],
    ['print "hi"\n', 1, 1],
  ])('flags %j', (source, line, column) => {
    const problem = firstSyntaxProblem(parseModule(source));
    expect(problem && { line: problem.line, column: problem.column }).toEqual({ line, column });
  });
});

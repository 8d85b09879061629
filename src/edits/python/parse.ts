/**
 * Parsing a Python module for the entrypoint edit: @lezer/python's tree, plus the few helpers the
 * edit needs to read it (node text, line numbers, line ends, indentation).
 *
 * Lezer recovers from errors instead of failing, so a syntax error shows up as an error node. Its
 * grammar also flags a few valid constructs (measured over the 171 top-level modules of CPython
 * 3.11's stdlib: 7 files): a bare `yield`, a float written `4.`, a class pattern in `case`. Those
 * are tolerated; any other error node means "do not touch this file".
 */
import { parser } from '@lezer/python';
import type { SyntaxNode, Tree } from '@lezer/common';

export interface ParsedModule {
  source: string;
  tree: Tree;
  /** The end of line used by the file ('\r\n' when its first line break is one). */
  eol: string;
}

export interface SyntaxProblem {
  line: number;
  column: number;
  what: string;
}

export function parseModule(source: string): ParsedModule {
  const first = source.indexOf('\n');
  const eol = first > 0 && source[first - 1] === '\r' ? '\r\n' : '\n';
  return { source, tree: parser.parse(source), eol };
}

/** 1-based line and column of an offset. */
export function position(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function isToleratedError(node: SyntaxNode, source: string): boolean {
  if (node.from !== node.to) return false;
  const prev = node.prevSibling;
  const parent = node.parent;
  // Bare `yield`.
  if (prev?.name === 'yield') return true;
  // `4.`: the grammar reads a member access with a missing name after a number.
  if (parent?.name === 'MemberExpression' && prev?.name === '.' && /\d\.$/.test(source.slice(Math.max(0, prev.from - 1), prev.to)))
    return true;
  // `case ast.BinOp():`
  if (parent?.name === 'LiteralPattern' && parent.parent?.name === 'PatternArgList') return true;
  return false;
}

/**
 * Lezer ends a string that is never closed at the end of its line, without an error node
 * (`"from x import y` parses as one String), so termination is checked on the text.
 */
function isUnterminatedString(node: SyntaxNode, source: string): boolean {
  if (node.name !== 'String' && node.name !== 'FormatString') return false;
  const body = source.slice(node.from, node.to).replace(/^[rRbBuUfF]{0,2}/, '');
  const quote = body.startsWith('"""') || body.startsWith("'''") ? body.slice(0, 3) : body.charAt(0);
  if (body.length < 2 * quote.length || !body.endsWith(quote)) return true;
  // An odd run of backslashes before the closing quote escapes it.
  let backslashes = 0;
  for (let i = body.length - quote.length - 1; i >= quote.length && body[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** The first syntax problem in the module, or null when it looks like valid Python 3. */
export function firstSyntaxProblem(mod: ParsedModule): SyntaxProblem | null {
  let found: SyntaxProblem | null = null;
  mod.tree.iterate({
    enter: (ref) => {
      if (found) return false;
      if (ref.type.isError && !isToleratedError(ref.node, mod.source)) {
        found = { ...position(mod.source, ref.from), what: 'syntax error' };
      } else if (isUnterminatedString(ref.node, mod.source)) {
        found = { ...position(mod.source, ref.from), what: 'unterminated string' };
      } else if (ref.name === 'PrintStatement') {
        found = { ...position(mod.source, ref.from), what: 'Python 2 print statement' };
      }
      return undefined;
    },
  });
  return found;
}

export function text(mod: ParsedModule, node: SyntaxNode): string {
  return mod.source.slice(node.from, node.to);
}

/** Children of a node, in order. */
export function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Offset just after the line break ending the line that contains `offset` (or the file's end). */
export function lineEnd(source: string, offset: number): number {
  const nl = source.indexOf('\n', offset);
  return nl < 0 ? source.length : nl + 1;
}

export function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

/** Leading whitespace of the line containing `offset`. */
export function indentAt(source: string, offset: number): string {
  const start = lineStart(source, offset);
  return /^[ \t]*/.exec(source.slice(start))![0];
}

export function sameLine(source: string, a: number, b: number): boolean {
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return !source.slice(lo, hi).includes('\n');
}

/** Statements of a Body (comments and the ':' left out). */
export function statements(body: SyntaxNode): SyntaxNode[] {
  return children(body).filter((c) => c.name !== ':' && c.name !== 'Comment' && !c.type.isError);
}

/** A string-only expression statement: a docstring when it comes first. */
export function isDocstring(node: SyntaxNode): boolean {
  return node.name === 'ExpressionStatement' && node.firstChild?.name === 'String' && node.firstChild.nextSibling === null;
}

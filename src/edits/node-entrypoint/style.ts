/**
 * The file's own style, so inserted lines look like the user's: quotes, semicolons, line
 * endings, const or var, and the indentation of the line we insert next to.
 */
export interface SourceStyle {
  quote: "'" | '"';
  semi: boolean;
  eol: '\n' | '\r\n';
  declare: 'const' | 'var';
}

/** Counts decide; ties and empty files fall back to single quotes, semicolons, LF, const. */
export function detectStyle(text: string): SourceStyle {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  // Module specifiers are the most reliable sample of the quote style.
  const specs = [...text.matchAll(/(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^\s*import\s+)(['"])/gm)].map((m) => m[1]);
  const singles = specs.filter((q) => q === "'").length;
  const doubles = specs.length - singles;
  let quote: SourceStyle['quote'] = "'";
  if (doubles > singles) quote = '"';
  else if (specs.length === 0 && (text.match(/"/g) ?? []).length > (text.match(/'/g) ?? []).length) quote = '"';
  const declare = /\b(const|let)\s/.test(text) || !/\bvar\s/.test(text) ? 'const' : 'var';
  return { quote, semi: usesSemicolons(text), eol: crlf > lf ? '\r\n' : '\n', declare };
}

/** Lines that end a simple statement: `;` at the end versus a bare `)`, quote or identifier. */
function usesSemicolons(text: string): boolean {
  let withSemi = 0;
  let without = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s*\/\/.*$/, '').trimEnd();
    if (!/^\s*(import|const|let|var|export|return|await|[A-Za-z_$][\w$.]*\()/.test(line)) continue;
    if (line.endsWith(';')) withSemi += 1;
    else if (/[)'"`\w\]]$/.test(line)) without += 1;
  }
  return withSemi >= without;
}

export function lineStart(text: string, pos: number): number {
  const nl = text.lastIndexOf('\n', pos - 1);
  return nl + 1;
}

/** Position of the line break ending the line holding `pos` (before a `\r\n`), or the text length. */
export function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  if (nl < 0) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** Position just after the line break ending the line holding `pos`. */
export function nextLineStart(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

export function indentAt(text: string, pos: number): string {
  const start = lineStart(text, pos);
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** 1-based line number of a position. */
export function lineNumberAt(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) n += 1;
  return n;
}

/** True when the code after `pos` starts with a token that would continue a line without `;` (ASI hazard). */
export function continuesPreviousLine(text: string, pos: number): boolean {
  const rest = text.slice(pos).replace(/^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  return /^[([`+\-/]/.test(rest);
}

/**
 * Where a statement's own code ends. Without semicolons the parser lets a statement swallow a
 * `;` that starts the next line (`;(async () => {...})()`): that `;` belongs to the next line.
 */
export function statementEnd(text: string, start: number, end: number): number {
  if (text[end - 1] !== ';') return end;
  let i = end - 2;
  while (i >= start && /\s/.test(text[i] ?? '')) {
    if (text[i] === '\n') {
      while (i >= start && /\s/.test(text[i] ?? '')) i -= 1;
      return i + 1;
    }
    i -= 1;
  }
  return end;
}

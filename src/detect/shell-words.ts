/**
 * Splitting a command line into words the way sh would for the simple cases: quotes group and are
 * removed, backslashes escape, `#` starts a comment, and `;`, `&`, `&&`, `|`, `||` are words of their own.
 * Shared by the detectors that read start commands (package.json scripts, Procfiles, Dockerfile CMDs).
 */

export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else word += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      const next = line[++i]!;
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
    } else if (ch === '#' && !inWord) {
      break;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (ch === ';' || ch === '&' || ch === '|') {
      if (inWord) words.push(word);
      let op = ch;
      if ((ch === '&' || ch === '|') && line[i + 1] === ch) op += line[++i];
      words.push(op);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

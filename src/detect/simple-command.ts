/**
 * Reading shell-form commands well enough to turn them into exec form, and nothing more:
 * anything a shell would do beyond splitting words and removing quotes (variables, pipes,
 * redirections, globs, chains) makes the command "not simple", and the caller keeps a shell.
 * It sits in detect/ because detection reads Dockerfile commands with it; the edits write exec form with it.
 */

const META = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`', '*', '?', '[', '~', '{', '}', '\n', '\r', '#']);

/** Words of a simple command with quotes removed, or null when a shell would do more than split words. */
export function splitSimpleCommand(text: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return null;
      word += text.slice(i + 1, end);
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        const c = text[j]!;
        if (c === '$' || c === '`') return null;
        if (c === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1]!)) {
          word += text[j + 1];
          j++;
        } else {
          word += c;
        }
      }
      if (j >= text.length) return null;
      i = j;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) return null;
      word += text[i + 1];
      i++;
    } else if (META.has(ch)) {
      // `#` only starts a comment at the start of a word; inside a word it is literal.
      if (ch === '#' && word !== '') word += ch;
      else return null;
    } else {
      word += ch;
    }
  }
  if (inWord) words.push(word);
  return words.length > 0 ? words : null;
}

/** `NAME=value` at the start of a command: an environment assignment, not a program. */
export function isEnvAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}

/**
 * A shell command rewritten so its last command replaces the shell (`exec`), keeping what the
 * shell is needed for (`$PORT`, `cd x && ...`). Null when the text has pipes, `;`, `||`,
 * backgrounding or subshells, where an `exec` would change what runs.
 */
export function execLastCommand(text: string): string | null {
  const trimmed = text.trim();
  if (/[|;&`<>()]|\$\(/.test(trimmed.replace(/&&/g, '  '))) return null;
  const parts = trimmed.split('&&');
  const last = parts[parts.length - 1]!.trim();
  if (last === '' || isEnvAssignment(last.split(/\s+/)[0]!)) return null;
  if (/^exec\s/.test(last)) return trimmed;
  parts[parts.length - 1] = ` exec ${last}`;
  return parts.length === 1 ? `exec ${last}` : parts.join('&&');
}

/** Exec-form JSON array, the way people write it by hand: `["node", "server.js"]`. */
export function toExecForm(words: readonly string[]): string {
  return `[${words.map((w) => JSON.stringify(w)).join(', ')}]`;
}

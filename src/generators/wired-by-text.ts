/**
 * Tells, from the text alone, that an entry file already imports the generated module, so that a re-run
 * on a wired entrypoint need not load ts-morph (~250 ms, most of the run). Only sure answers count: `true`
 * when a top-level named import (or `require` destructuring) of the module's specifier stands outside any
 * block comment and template literal; `false` means "not known", and the full ts-morph analysis decides.
 */

const stem = (s: string): string => s.replace(/\.[cm]?[jt]sx?$/, '');

/** `import { a, b } from 'x'` and `const { a } = require('x')`, each at the start of a line. */
const IMPORTS = [
  /^import\s*\{([^}]*)\}\s*from\s*(['"])([^'"\n]+)\2/gm,
  /^(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*(['"])([^'"\n]+)\2\s*\)/gm,
];

export function wiredByText(source: string, specifier: string): boolean {
  for (const pattern of IMPORTS) {
    for (const m of source.matchAll(pattern)) {
      const names = (m[1] ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      if (names.length === 0 || stem(m[3] ?? '') !== stem(specifier)) continue;
      if (outsideCommentsAndTemplates(source.slice(0, m.index))) return true;
    }
  }
  return false;
}

/** No block comment left open and no template literal left open before this point (else: not sure). */
function outsideCommentsAndTemplates(before: string): boolean {
  if (before.lastIndexOf('/*') > before.lastIndexOf('*/')) return false;
  return (before.match(/`/g)?.length ?? 0) % 2 === 0;
}

/** Reading a file the plan may change: absent is null; present but not editable text is an error. */
import { existsSync } from 'node:fs';
import { readText, MAX_READ_BYTES } from './text-file.js';
import { safeTarget } from './paths.js';
import { UserError } from './errors.js';

/**
 * @param larger repo paths read with a larger size limit than code files (the upgrade manifest,
 * which grows with the number of apps)
 */
export function planReader(root: string, larger: ReadonlyMap<string, number> = new Map()): (path: string) => string | null {
  // A plan is made before anything is written, and generators of every app ask for the same files
  // (each app's chain reads every Dockerfile): each file is read from disk once per reader. The same
  // string coming back also lets callers keyed by text (detect/dockerfile-facts.ts) find it at once.
  const known = new Map<string, string | null>();
  return (path) => {
    if (known.has(path)) return known.get(path)!;
    const abs = safeTarget(root, path);
    if (!existsSync(abs)) {
      known.set(path, null);
      return null;
    }
    const limit = larger.get(path);
    const text = readText(abs, limit);
    if (text === null) {
      const mb = (limit ?? MAX_READ_BYTES) / 1024 / 1024;
      throw new UserError(
        `cannot be edited: it is not a readable UTF-8 text file under ${mb} MB (binary, wrong encoding, unreadable or too large); fix or remove it, or skip this part with --only`,
        { file: path },
      );
    }
    known.set(path, text);
    return text;
  };
}

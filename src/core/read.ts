/** Reading a file the plan may change: absent is null; present but not editable text is an error. */
import { existsSync } from 'node:fs';
import { readText, MAX_READ_BYTES } from '../detect/files.js';
import { safeTarget } from './paths.js';
import { UserError } from './errors.js';

export function planReader(root: string): (path: string) => string | null {
  return (path) => {
    const abs = safeTarget(root, path);
    if (!existsSync(abs)) return null;
    const text = readText(abs);
    if (text === null) {
      throw new UserError(`cannot be edited: it is not a readable UTF-8 text file under ${MAX_READ_BYTES / 1024 / 1024} MB (binary, wrong encoding, unreadable or too large); fix or remove it, or skip this part with --only`, { file: path });
    }
    return text;
  };
}

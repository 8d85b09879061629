/** Every write goes through here: the path must stay inside the root and never pass through a symlink. */
import { lstatSync } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { UserError } from './errors.js';

/** Absolute path of a repo-relative path, refused when it escapes the root or crosses a symlink. */
export function safeTarget(root: string, rel: string): string {
  if (rel === '' || isAbsolute(rel) || rel.includes('\0')) throw new UserError(`refusing to write to '${rel}': not a path inside the repository`);
  const abs = normalize(join(root, rel));
  const back = relative(root, abs);
  if (back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back)) throw new UserError(`refusing to write to '${rel}': it resolves outside the repository`);
  let cur = root;
  for (const part of back.split(sep)) {
    cur = join(cur, part);
    let st;
    try {
      st = lstatSync(cur);
    } catch {
      break; // the rest does not exist yet: nothing to follow
    }
    if (st.isSymbolicLink()) throw new UserError(`refusing to write through the symlink '${relative(root, cur)}'; replace it with a real file or leave that part out with --only`, { file: rel });
  }
  return abs;
}

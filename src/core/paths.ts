/** Every write goes through here: the path must stay inside the root and never pass through a symlink. */
import { lstatSync, type Stats } from 'node:fs';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { UserError } from './errors.js';

/** A path refused because it goes through a symlink; `link` is the repo-relative link. */
export class SymlinkRefused extends UserError {
  constructor(
    message: string,
    readonly path: string,
    readonly link: string,
  ) {
    super(message, { file: path });
  }
}

/**
 * Absolute path of a repo-relative path, refused when it escapes the root or crosses a symlink.
 * @param use what the path is for, so the refusal says what was refused ('read' for the plan's reads)
 */
export function safeTarget(root: string, rel: string, use: 'write' | 'read' = 'write'): string {
  const verb = use === 'read' ? 'read' : 'write';
  if (rel === '' || isAbsolute(rel) || rel.includes('\0'))
    throw new UserError(`refusing to ${verb} '${rel}': not a path inside the repository`);
  const abs = normalize(join(root, rel));
  const back = relative(root, abs);
  if (back === '' || back === '..' || back.startsWith(`..${sep}`) || isAbsolute(back))
    throw new UserError(`refusing to ${verb} '${rel}': it resolves outside the repository`);
  let cur = root;
  for (const part of back.split(sep)) {
    cur = join(cur, part);
    let st: Stats;
    try {
      st = lstatSync(cur);
    } catch {
      break; // the rest does not exist yet: nothing to follow
    }
    if (st.isSymbolicLink()) {
      const link = relative(root, cur);
      if (use === 'read')
        throw new SymlinkRefused(
          `refusing to read through the symlink '${link}', which the tool never follows; replace it with the real ${link === rel ? 'file' : 'directory'}`,
          rel,
          link,
        );
      throw new SymlinkRefused(
        `refusing to write through the symlink '${link}'; replace it with a real file or leave that part out with --only`,
        rel,
        link,
      );
    }
  }
  return abs;
}

/** Unified diffs and change statistics of planned changes, for --dry-run, --report and the summary. */
import { createTwoFilesPatch, structuredPatch } from 'diff';
import type { FileChange } from './plan.js';

export function unifiedDiff(change: FileChange): string {
  const from = change.before === null ? '/dev/null' : `a/${change.path}`;
  return createTwoFilesPatch(from, `b/${change.path}`, change.before ?? '', change.after, undefined, undefined, { context: 3 })
    .split('\n')
    .slice(1) // drop the "====" header line
    .join('\n');
}

export function diffStat(change: FileChange): { added: number; removed: number } {
  const patch = structuredPatch('a', 'b', change.before ?? '', change.after, undefined, undefined, { context: 0 });
  let added = 0;
  let removed = 0;
  for (const h of patch.hunks)
    for (const l of h.lines) {
      if (l.startsWith('+')) added++;
      else if (l.startsWith('-')) removed++;
    }
  return { added, removed };
}

/**
 * One run per (edit, input): the parts of a plan ask the same edit about the same text (the docker part
 * and the compose part about a Dockerfile's stage, the module part and the entrypoint part about the
 * wiring, a part's plan and its own apply step), and with ts-morph each run is the CLI's largest cost.
 * Edits are pure functions of their input, so a result can be shared; it is frozen so that no caller can
 * change what another one gets. A function in the input (a matcher) is compared by identity.
 */
import type { EditResult } from '../core/edit-result.js';
import { editInputKey } from '../core/edit-runs.js';

const MAX_ENTRIES = 256;
const caches = new Map<unknown, Map<string, unknown>>();

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The memo of one edit of src/edits: only edits that return the one EditResult shape are shared. */
export function memoizedEdit<A extends unknown[], R extends EditResult<unknown> | EditResult>(
  edit: (source: string, ...args: A) => R,
): (source: string, ...args: A) => R {
  let cache = caches.get(edit) as Map<string, R> | undefined;
  if (cache === undefined) caches.set(edit, (cache = new Map()));
  const mine = cache;
  return (source: string, ...rest: A): R => {
    // The source text keys the entry as it is (a Map hashes it once); only the small options go through
    // JSON, so a large file is not escaped and copied on every call.
    const key = `${editInputKey(rest)}\u0000${source}`;
    if (mine.has(key)) return mine.get(key) as R;
    const result = deepFreeze(edit(source, ...rest));
    if (mine.size >= MAX_ENTRIES) mine.delete(mine.keys().next().value as string);
    mine.set(key, result);
    return result;
  };
}

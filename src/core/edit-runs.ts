/**
 * Counts each edit's runs by (edit, input) while a caller asks for it: how a test proves that no edit of
 * an existing file runs twice for one plan (each costs a parse, ts-morph's in the worst case). Counting
 * only: nothing the tool does depends on it, and outside countEditRuns it does nothing.
 */
let runs: Map<string, number> | null = null;

const functionIds = new WeakMap<object, number>();
let nextFunctionId = 0;

/**
 * An edit's input as a comparable key: data as JSON, a function (a matcher passed in) by identity, since
 * the same function object answers the same way while the data around it is the same.
 */
export function editInputKey(args: readonly unknown[]): string {
  return JSON.stringify(args, (_k, v: unknown) => {
    if (typeof v !== 'function') return v;
    let id = functionIds.get(v);
    if (id === undefined) functionIds.set(v, (id = nextFunctionId++));
    return `function #${id}`;
  });
}

export function countEditRun(edit: string, ...input: unknown[]): void {
  if (runs === null) return;
  const key = `${edit} ${editInputKey(input)}`;
  runs.set(key, (runs.get(key) ?? 0) + 1);
}

/** Runs `work` and returns how often each (edit, input) ran meanwhile. Not re-entrant. */
export async function countEditRuns<T>(work: () => Promise<T>): Promise<{ result: T; runs: Map<string, number> }> {
  const mine = new Map<string, number>();
  runs = mine;
  try {
    return { result: await work(), runs: mine };
  } finally {
    runs = null;
  }
}

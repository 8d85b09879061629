/**
 * Counts the parses of each file text while a caller asks for it: how a test proves that a Dockerfile,
 * compose file or Kubernetes manifest is parsed once per distinct text for a whole run (detection and
 * planning), however many apps and parts ask about it. Counting only: nothing the tool does depends on
 * it, and outside countParses it does nothing.
 */
export type ParsedFormat = 'dockerfile' | 'compose' | 'k8s';

let parses: Map<string, number> | null = null;

export function countParse(format: ParsedFormat, text: string): void {
  if (parses === null) return;
  const key = `${format}\u0000${text}`;
  parses.set(key, (parses.get(key) ?? 0) + 1);
}

/** Runs `work` and returns how often each (format, text) was parsed meanwhile. Not re-entrant. */
export async function countParses<T>(work: () => T | Promise<T>): Promise<{ result: T; parses: Map<string, number> }> {
  const mine = new Map<string, number>();
  parses = mine;
  try {
    return { result: await work(), parses: mine };
  } finally {
    parses = null;
  }
}

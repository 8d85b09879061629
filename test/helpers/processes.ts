/** What the harnesses that start real programs share: a bound on how many run at once, process groups, event files. */
import { existsSync, readFileSync } from 'node:fs';

/** At most `limit` tasks at a time (the machine has 2 cores shared with other test runs); the rest wait in order. */
export function limiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

/** Whether any process of the group (a detached child's pid) is still alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The lines a program appended to its events file (EVENTS_FILE), none before it wrote one. */
export function events(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

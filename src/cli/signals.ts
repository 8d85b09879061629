/**
 * Signals held back while the repository is being written. Ctrl+C (SIGINT), SIGTERM and SIGHUP
 * would otherwise kill the process between two renames and leave half a change. While held, a
 * listener only records the signal (Node runs listeners after the synchronous write, never in
 * the middle of it); once the write completed or rolled back, the first one is acted on as if it
 * had arrived then: the default action of the same signal, so the exit status is 128+n.
 */
const HELD: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface HeldSignals {
  /** Stops holding; resolves to the first signal that arrived meanwhile, or null. */
  release(): Promise<NodeJS.Signals | null>;
}

export function holdSignals(): HeldSignals {
  const got: NodeJS.Signals[] = [];
  const listener = (s: NodeJS.Signals): void => {
    got.push(s);
  };
  for (const s of HELD) process.on(s, listener);
  return {
    async release() {
      // A signal that arrived during synchronous work is dispatched on the next turns of the event loop.
      for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
      for (const s of HELD) process.off(s, listener);
      return got[0] ?? null;
    },
  };
}

/** Acts on a held signal now: the default action (the process ends with it). */
export function raise(signal: NodeJS.Signals): void {
  process.kill(process.pid, signal);
}

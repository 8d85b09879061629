/**
 * Seams for tests that drive the real CLI process; read from the environment here, in the command
 * layer only, and never mentioned in --help.
 *
 * CGS_TEST_PAUSE_AT_RENAME=<n> with CGS_TEST_GATE=<dir>: just before the n-th rename of an apply
 * (1-based), write <dir>/paused (the file about to be renamed) and wait until <dir>/go exists. A
 * test sends a real signal to the process at that moment, so "a signal at each rename" is
 * deterministic instead of a race.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultHook } from '../core/apply.js';

const MAX_PAUSE_MS = 60_000;

export function renameGate(env: NodeJS.ProcessEnv): FaultHook | undefined {
  const at = Number(env['CGS_TEST_PAUSE_AT_RENAME']);
  const gate = env['CGS_TEST_GATE'];
  if (!gate || !Number.isInteger(at) || at < 1) return undefined;
  let renames = 0;
  return (step, path) => {
    if (step !== 'commit' || ++renames !== at) return;
    writeFileSync(join(gate, 'paused'), path);
    // A synchronous wait, as a long rename would be: the event loop does not turn meanwhile.
    const tick = new Int32Array(new SharedArrayBuffer(4));
    const until = Date.now() + MAX_PAUSE_MS;
    while (!existsSync(join(gate, 'go')) && Date.now() < until) Atomics.wait(tick, 0, 0, 5);
  };
}

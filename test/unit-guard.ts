/**
 * Setup file of the unit tier (vitest.config.ts): a unit test that starts a process, listens on a
 * socket or opens a connection fails, at the call and (in case the test caught that error) after the
 * file, so the tier stays in-process and fast. Such a test belongs in the e2e tier (test/tiers.ts).
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export const UNIT_GUARD_MESSAGE = 'not in the unit tier';

interface GuardState {
  attempts: string[];
}

// The unit tier shares one module registry per worker (isolate: false): this file runs before every
// test file, the builtins are patched once.
const KEY = Symbol.for('create-graceful-shutdown.unit-guard');
const slot = globalThis as { [KEY]?: GuardState };
const state: GuardState = slot[KEY] ?? install();

function install(): GuardState {
  const s: GuardState = { attempts: [] };
  slot[KEY] = s;
  const refuse = (what: string): never => {
    s.attempts.push(what);
    throw new Error(`${what}: ${UNIT_GUARD_MESSAGE} (no processes, servers or connections); move the test to the e2e tier (test/tiers.ts)`);
  };
  const cp = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'fork']) cp[name] = () => refuse(`child_process.${name}`);
  // One exception: the tool's own git probe (src/upgrade/git.ts: is a file about to change uncommitted?)
  // when a test runs the CLI in-process. It is part of the behaviour under test and takes a few ms;
  // faking it would change what the run does.
  const execFileSync = cp['execFileSync']!;
  cp['execFileSync'] = (file: unknown, ...rest: unknown[]) =>
    file === 'git' ? execFileSync(file, ...rest) : refuse('child_process.execFileSync');
  net.Server.prototype.listen = function listen(): never {
    return refuse('server.listen');
  };
  const netExports = net as unknown as Record<string, unknown>;
  for (const name of ['connect', 'createConnection']) netExports[name] = () => refuse(`net.${name}`);
  globalThis.fetch = () => refuse('fetch');
  // ESM named imports of the builtins (`import { spawn } from 'node:child_process'`) see the guards too.
  syncBuiltinESMExports();
  return s;
}

beforeAll(() => {
  state.attempts.length = 0;
});

afterAll(() => {
  if (state.attempts.length === 0) return;
  const tried = [...new Set(state.attempts)].join(', ');
  throw new Error(`this file tried ${tried}: ${UNIT_GUARD_MESSAGE}; move it to the e2e tier (test/tiers.ts)`);
});

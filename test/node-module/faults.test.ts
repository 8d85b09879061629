/**
 * The generated module keeps its promises when things go wrong (issue 8's fault matrix) and follows the
 * documented handler order, timeouts, signals and exit codes: every case runs against all four variants,
 * as a real child process receiving real signals (test/fixtures/node-module/apps/scenario.mjs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildAll,
  killAll,
  removeTempDirs,
  sleep,
  startApp,
  VARIANT_NAMES,
  type BuiltVariant,
  type Exit,
  type VariantName,
} from './helpers.js';

let built: Record<VariantName, BuiltVariant>;

beforeAll(async () => {
  built = await buildAll();
});
afterAll(async () => {
  await killAll();
  removeTempDirs();
});

interface Case {
  title: string;
  scenario: string;
  /** What the test sends once the app is up (default: one SIGTERM). */
  send?: 'sigterm' | 'sighup' | 'sighup-then-sigterm' | 'burst' | 'second-signal' | 'signal-during' | 'nothing';
  env?: Record<string, string>;
  code: number | null;
  signal?: NodeJS.Signals;
  /** Handler marks expected, in order: C was registered last, so it runs first. */
  marks: string[];
  /** Upper bound on the time from the first signal (or from listening) to the exit. */
  withinMs: number;
  atLeastMs?: number;
  stdout?: RegExp[];
  stderr?: RegExp[];
  notStdout?: RegExp[];
}

const ALL = ['C', 'B', 'A'];

/** Issue 8: each fault ends within the budget, with the documented exit code, and the other handlers run. */
const FAULTS: Case[] = [
  {
    title: 'a handler that throws: logged, the others run, exit 1',
    scenario: 'throw',
    code: 1,
    marks: ALL,
    withinMs: 3000,
    stderr: [/handler "B" failed/],
    notStdout: [/B done/],
  },
  {
    title: 'a handler that hangs past its own timeout: aborted, the others run, exit 1',
    scenario: 'hang',
    code: 1,
    marks: ALL,
    withinMs: 3000,
    atLeastMs: 250,
    stdout: [/^B aborted$/m],
    stderr: [/handler "B" timed out after 300 ms/],
  },
  {
    title: 'a handler that calls process.exit(0) itself: process.exit keeps its meaning, exit 0 at once, said on stderr',
    scenario: 'exit',
    code: 0,
    marks: ['C', 'B'],
    withinMs: 3000,
    stderr: [/process\.exit\(0\) called during the shutdown/],
  },
  {
    title: "an app's own `try { process.exit(0) } catch { process.exit(1) }` still exits 0",
    scenario: 'exit-try',
    code: 0,
    marks: ['C', 'B'],
    withinMs: 3000,
  },
  {
    title: 'a signal before the server listens: handlers run, the server never listens, exit 0',
    scenario: 'before-listen',
    code: 0,
    marks: ALL,
    withinMs: 2500,
    notStdout: [/^listening/m],
  },
  {
    title: '100 signals in a burst: one shutdown, every handler runs, exit 0',
    scenario: 'slow',
    send: 'burst',
    code: 0,
    marks: ALL,
    withinMs: 3000,
    stdout: [/^handler B done$/m],
  },
  {
    title: 'an uncaught exception during the shutdown: logged, the others run, exit 1',
    scenario: 'uncaught',
    code: 1,
    marks: ALL,
    withinMs: 3000,
    stderr: [/error during shutdown/, /boom during shutdown/],
  },
];

const BEHAVIOUR: Case[] = [
  {
    title: 'handlers run last registered first; unregistered ones do not run; exit 0',
    scenario: 'order',
    code: 0,
    marks: ALL,
    withinMs: 3000,
    stdout: [/deadline 8000 ms/],
    notStdout: [/handler [DE]/],
  },
  {
    title: 'shutdownSignal aborts with a DOMException named AbortError whose cause is the reason',
    scenario: 'order',
    code: 0,
    marks: ALL,
    withinMs: 3000,
    stdout: [/^aborted DOMException name=AbortError cause=SIGTERM$/m, /^throwIfAborted threw AbortError$/m],
  },
  {
    title: 'SIGHUP (a closed terminal) runs the shutdown: exit 0',
    scenario: 'order',
    send: 'sighup',
    code: 0,
    marks: ALL,
    withinMs: 3000,
    stdout: [/SIGHUP: shutting down/],
  },
  {
    title: "SIGHUP stays the app's own when it listens for it (reload); SIGTERM still shuts down",
    scenario: 'reload',
    send: 'sighup-then-sigterm',
    code: 0,
    marks: ALL,
    withinMs: 4000,
    stdout: [/^reloaded$/m, /SIGTERM: shutting down/],
    notStdout: [/SIGHUP: shutting down/],
  },
  {
    title: "phase 'drain' handlers start with the drain, before the cleanup handlers, which wait for them",
    scenario: 'phases',
    code: 0,
    marks: ['W', 'C', 'B', 'A'],
    withinMs: 3000,
    stdout: [/^handler W done\nhandler C$/m],
  },
  {
    title: 'a handler whose promise rejects: logged, the others run, exit 1',
    scenario: 'reject',
    code: 1,
    marks: ALL,
    withinMs: 3000,
    stderr: [/handler "B" failed/],
  },
  {
    title: 'a hanging handler without its own timeout gets a share of the time left; the others still run before the deadline',
    scenario: 'hang-default',
    env: { GRACEFUL_SHUTDOWN_TIMEOUT_MS: '2000' },
    code: 1,
    marks: ALL,
    withinMs: 3500,
    atLeastMs: 400,
    stderr: [/handler "B" timed out/],
    notStdout: [/deadline of/],
  },
  {
    title: 'the deadline (GRACEFUL_SHUTDOWN_TIMEOUT_MS) ends a handler that asks for more: exit 1',
    scenario: 'deadline',
    env: { GRACEFUL_SHUTDOWN_TIMEOUT_MS: '1500' },
    code: 1,
    marks: ['C', 'B'],
    withinMs: 4000,
    atLeastMs: 1300,
    stdout: [/deadline 1500 ms/],
    stderr: [/deadline of 1500 ms passed/],
  },
  {
    title: 'a handler calling process.exit(3): exit 3 at once (its meaning kept)',
    scenario: 'exit-nonzero',
    code: 3,
    marks: ['C', 'B'],
    withinMs: 3000,
  },
  {
    title: 'a second signal (after the 200 ms duplicate window) exits at once with 128+n',
    scenario: 'slow',
    send: 'second-signal',
    env: { B_MS: '10000' },
    code: 130,
    marks: ['C', 'B'],
    withinMs: 4000,
    stderr: [/SIGINT again: exiting now/],
  },
  {
    title: 'a malformed GRACEFUL_SHUTDOWN_TIMEOUT_MS is a warning and the default, never a crash',
    scenario: 'order',
    env: { GRACEFUL_SHUTDOWN_TIMEOUT_MS: '30s' },
    code: 0,
    marks: ALL,
    withinMs: 3000,
    stdout: [/deadline 8000 ms/],
    stderr: [/GRACEFUL_SHUTDOWN_TIMEOUT_MS="30s" is not a whole number/],
  },
  {
    title: "exitMode 'signal' re-raises the signal (status 128+15)",
    scenario: 'reraise',
    code: null,
    signal: 'SIGTERM',
    marks: ALL,
    withinMs: 3000,
  },
  {
    title: 'an uncaughtException starts a shutdown that exits 1',
    scenario: 'fatal',
    send: 'nothing',
    code: 1,
    marks: ALL,
    withinMs: 3000,
    stderr: [/fatal error, shutting down/],
  },
  {
    title: 'a signal during a shutdown begun by an uncaughtException joins it instead of forcing the exit',
    scenario: 'slow',
    send: 'signal-during',
    env: { FATAL: '1', B_MS: '800' },
    code: 1,
    marks: ALL,
    withinMs: 4000,
    stdout: [/^handler B done$/m],
  },
  {
    title: 'an unhandledRejection starts a shutdown that exits 1',
    scenario: 'rejection',
    send: 'nothing',
    code: 1,
    marks: ALL,
    withinMs: 3000,
    stderr: [/rejected/],
  },
];

async function run(
  c: Case,
  variant: BuiltVariant,
  asPid1 = false,
): Promise<{ exit: Exit; elapsed: number; marks: string[]; stdout: string; stderr: string }> {
  const app = startApp('apps/scenario.mjs', variant, { SCENARIO: c.scenario, ...c.env }, asPid1);
  await app.waitFor(c.scenario === 'before-listen' ? /^starting$/ : /^listening \d+$/);
  const sentAt = Date.now();
  let from = sentAt;
  switch (c.send ?? 'sigterm') {
    case 'sigterm':
      app.kill('SIGTERM');
      break;
    case 'sighup':
      app.kill('SIGHUP');
      break;
    case 'sighup-then-sigterm':
      app.kill('SIGHUP');
      await app.waitFor(/^reloaded$/);
      from = Date.now();
      app.kill('SIGTERM');
      break;
    case 'burst':
      for (let i = 0; i < 100; i++) app.kill('SIGTERM');
      break;
    case 'second-signal':
      app.kill('SIGTERM');
      await app.waitFor(/^handler B$/);
      await sleep(300);
      from = Date.now();
      app.kill('SIGINT');
      break;
    case 'signal-during':
      await app.waitFor(/^handler B$/);
      await sleep(300);
      app.kill('SIGTERM');
      break;
    case 'nothing':
      break;
  }
  const exit = await app.exited;
  return { exit, elapsed: exit.at - from, marks: app.marks(), stdout: app.stdout, stderr: app.stderr };
}

function check(c: Case, r: Awaited<ReturnType<typeof run>>): void {
  const context = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
  expect({ code: r.exit.code, signal: r.exit.signal }, context).toEqual({ code: c.code, signal: c.signal ?? null });
  expect(r.marks, context).toEqual(c.marks);
  expect(r.elapsed, context).toBeLessThan(c.withinMs);
  if (c.atLeastMs !== undefined) expect(r.elapsed, context).toBeGreaterThanOrEqual(c.atLeastMs);
  for (const p of c.stdout ?? []) expect(r.stdout, context).toMatch(p);
  for (const p of c.stderr ?? []) expect(r.stderr, context).toMatch(p);
  for (const p of c.notStdout ?? []) expect(r.stdout, context).not.toMatch(p);
}

describe.concurrent('fault matrix (issue 8), every variant', () => {
  for (const name of VARIANT_NAMES) {
    for (const c of FAULTS) it(`${name}: ${c.title}`, async () => check(c, await run(c, built[name])));
  }
});

describe.concurrent('handlers, signals and exit codes, every variant', () => {
  for (const name of VARIANT_NAMES) {
    for (const c of BEHAVIOUR) it(`${name}: ${c.title}`, async () => check(c, await run(c, built[name])));
  }
});

// PID 1 gets no default action for signals it does not handle: the module's listeners make SIGTERM work, and
// a re-raised signal, which PID 1 ignores, still ends in status 143 (the module's fallback exit).
describe.concurrent('as PID 1 (a container without an init)', () => {
  const asPid1: Case[] = [
    { title: 'SIGTERM runs the shutdown and exits 0', scenario: 'order', code: 0, marks: ALL, withinMs: 3000 },
    { title: "exitMode 'signal' ends with status 143", scenario: 'reraise', code: 143, marks: ALL, withinMs: 3000 },
  ];
  for (const c of asPid1) it(`js-esm: ${c.title}`, async () => check(c, await run(c, built['js-esm'], true)));
});

// Start a command as PID 1 of a fresh PID namespace, the way a container runtime does, and stop it
// the way `docker stop` does: SIGTERM to that process from outside, SIGKILL when the grace runs out.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Spawn `argv` as PID 1 (`unshare --pid --fork --kill-child`); resolves once its host pid is known. */
export async function startAsPid1(argv, { cwd, env }) {
  const child = spawn('unshare', ['--pid', '--fork', '--kill-child', ...argv], {
    cwd,
    env,
    // A container started without -i: stdin is /dev/null.
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
  const pid1 = await hostPidOfChild(child.pid);
  return { unshare: child, pid1, exited, output: () => output };
}

async function hostPidOfChild(parent) {
  for (let i = 0; i < 200; i++) {
    try {
      const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      if (children.length > 0) return Number(children[0]);
    } catch {
      // not there yet
    }
    await sleep(25);
  }
  throw new Error(`no child of unshare ${parent}`);
}

/** Poll `url` until it answers (any status), or throw after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs, exited) {
  const until = Date.now() + timeoutMs;
  let gone = false;
  exited.then(() => (gone = true));
  while (Date.now() < until && !gone) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      await sleep(150);
    }
  }
  throw new Error(gone ? 'the dev server exited before answering' : `no answer from ${url} after ${timeoutMs} ms`);
}

/**
 * SIGTERM to PID 1; SIGKILL after `graceMs` like `docker stop`. Resolves with the exit and the time it took.
 */
export async function stopLikeDocker(proc, graceMs) {
  const t0 = performance.now();
  process.kill(proc.pid1, 'SIGTERM');
  const outcome = await Promise.race([proc.exited, sleep(graceMs).then(() => null)]);
  if (outcome) return { t0, ms: outcome.at - t0, killed: false, exit: outcome };
  try {
    process.kill(proc.pid1, 'SIGKILL');
  } catch {
    // exited in between
  }
  const exit = await proc.exited;
  return { t0, ms: exit.at - t0, killed: true, exit };
}

/** Make sure nothing of a run survives (the namespace dies with its PID 1). */
export function killAll(proc) {
  for (const pid of [proc.pid1, proc.unshare.pid]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

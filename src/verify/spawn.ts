/**
 * Starting the app as a container would: PID 1 of a new PID namespace (`unshare --pid --fork
 * --kill-child`), where this machine allows it, else a plain child. Either way in its own process
 * group, so a Ctrl+C at the terminal reaches verify, which ends the app itself; and everything the
 * app starts dies with it (the namespace ends with its PID 1; a plain child's group is killed).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ExitStatus, RunningApp, SpawnRequest } from './types.js';
import { which } from './host-programs.js';

const OUTPUT_LIMIT = 256 * 1024;

let pidNamespace: { ok: boolean; why: string | null } | null = null;

/** Whether `unshare --pid --fork` works here (root or user namespaces, Linux). Asked once. */
export function canUsePidNamespace(): { ok: boolean; why: string | null } {
  if (pidNamespace) return pidNamespace;
  if (process.platform !== 'linux')
    return (pidNamespace = { ok: false, why: `PID namespaces are Linux-only (this is ${process.platform})` });
  const unshare = which('unshare', process.env['PATH'] ?? '');
  if (!unshare) return (pidNamespace = { ok: false, why: 'unshare (util-linux) is not installed' });
  const r = spawnSync(unshare, ['--pid', '--fork', '--kill-child', 'true'], { stdio: 'pipe', timeout: 5000 });
  if (r.status !== 0) {
    const reason = (r.stderr?.toString() ?? '').trim().split('\n')[0] || `exit ${r.status}`;
    return (pidNamespace = { ok: false, why: `unshare --pid failed here (${reason})` });
  }
  return (pidNamespace = { ok: true, why: null });
}

export async function spawnApp(request: SpawnRequest): Promise<RunningApp> {
  const ns = request.pid1 ? canUsePidNamespace() : { ok: false, why: 'asked for a plain child (--no-pid1)' };
  const argv = ns.ok ? ['unshare', '--pid', '--fork', '--kill-child', ...request.argv] : request.argv;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: request.cwd,
    env: request.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    if (output.length > OUTPUT_LIMIT) output = output.slice(output.length - OUTPUT_LIMIT / 2);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<ExitStatus>((resolveExit, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolveExit({ code, signal, at: performance.now() }));
  });
  // Spawn errors (ENOENT) surface here rather than as an unhandled rejection later.
  await Promise.race([new Promise((r) => child.once('spawn', r)), exited]);
  const group = child.pid!;
  let done = false;
  void exited.then(
    () => (done = true),
    () => (done = true),
  );
  const kill = (): void => {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const pid = ns.ok ? await namespacePid1(group, exited) : group;
  return {
    pid,
    pid1: ns.ok,
    pid1Note: ns.ok ? null : `not PID 1: ${ns.why}; ran as a plain child`,
    exited,
    output: () => output,
    kill: () => {
      if (!done) kill();
      // The namespace's PID 1 is unshare's child; --kill-child ends it with unshare, this makes sure.
      if (ns.ok && pid !== group) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

/** The host pid of unshare's child, which is PID 1 inside the namespace. */
async function namespacePid1(unsharePid: number, exited: Promise<ExitStatus>): Promise<number> {
  let gone = false;
  void exited.then(
    () => (gone = true),
    () => (gone = true),
  );
  for (let i = 0; i < 400 && !gone; i++) {
    try {
      const pid = Number(readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(/\s+/)[0]);
      if (pid > 0) return pid;
    } catch {
      // not forked yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return unsharePid;
}

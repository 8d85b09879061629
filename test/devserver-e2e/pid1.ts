/**
 * A container imitated without Docker: the final stage's ENTRYPOINT + CMD run as PID 1 of a new PID
 * namespace (`unshare --pid --fork --kill-child`), stopped the way `docker stop` stops it (the stop
 * signal to PID 1 from outside, SIGKILL when the grace runs out). Everything started is killed in cleanup.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseStages } from '../../src/detect/dockerfile-stages.js';
import { run, type Running } from '../devserver/helpers.js';

/** ENTRYPOINT + CMD of the final stage as Docker runs them (shell form through /bin/sh -c), tini mapped to this machine's. */
export function containerCommand(dockerfile: string): { argv: string[]; stopSignal: string; env: Record<string, string> } {
  const { stages } = parseStages(dockerfile);
  const final = stages[stages.length - 1];
  if (!final) throw new Error('no FROM in the Dockerfile');
  const last = (keyword: string) => final.instructions.filter((i) => i.getKeyword() === keyword).pop();
  const words = (keyword: string): string[] => {
    const instruction = last(keyword);
    if (!instruction) return [];
    const text = (instruction.getArgumentsContent() ?? '').trim();
    if (text.startsWith('[')) return JSON.parse(text) as string[];
    return ['/bin/sh', '-c', text];
  };
  const env: Record<string, string> = {};
  for (const e of final.instructions.filter((i) => i.getKeyword() === 'ENV')) {
    const [name, ...value] = (e.getArgumentsContent() ?? '').split('=');
    if (name && value.length > 0) env[name.trim()] = value.join('=').trim();
  }
  const stopSignal = (last('STOPSIGNAL')?.getArgumentsContent() ?? 'SIGTERM').trim();
  return { argv: [...words('ENTRYPOINT'), ...words('CMD')], stopSignal, env };
}

/** Alpine's /sbin/tini and Debian's /usr/bin/tini are the same program; this machine has Debian's. */
export function mapToHost(argv: readonly string[]): string[] {
  return argv.map((w) => (w === '/sbin/tini' || w === '/usr/bin/tini' ? '/usr/bin/tini' : w));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Container {
  running: Running;
  /** Host pid of the namespace's PID 1. */
  pid1: number;
}

/** Start argv as PID 1 in cwd; resolves once `readyUrl` answers. */
export async function startAsPid1(argv: readonly string[], cwd: string, env: Record<string, string>, readyUrl: string): Promise<Container> {
  const running = run(['unshare', '--pid', '--fork', '--kill-child', ...mapToHost(argv)], {
    cwd,
    // A container has no TTY and no CI flag; NODE_ENV stays as the image sets it.
    env: { ...env, CI: '', NODE_ENV: env['NODE_ENV'] ?? '' },
  });
  const pid1 = await hostPidOfChild(running.child.pid as number);
  // The kernel agrees: in its own namespace, it is PID 1.
  const nspid = /NSpid:\s+(.*)/
    .exec(readFileSync(`/proc/${pid1}/status`, 'utf8'))?.[1]
    ?.trim()
    .split(/\s+/);
  expect(nspid?.[nspid.length - 1]).toBe('1');
  let gone = false;
  void running.exited.then(() => (gone = true));
  const until = Date.now() + 90_000;
  for (;;) {
    if (gone) throw new Error(`exited before answering:\n${running.output()}`);
    if (Date.now() > until) throw new Error(`no answer from ${readyUrl}:\n${running.output()}`);
    try {
      const res = await fetch(readyUrl, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      return { running, pid1 };
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

async function hostPidOfChild(parent: number): Promise<number> {
  for (let i = 0; i < 400; i++) {
    try {
      const pid = Number(readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/)[0]);
      if (pid > 0) return pid;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no child of unshare ${parent}`);
}

export interface StopResult {
  /** From the stop signal to the end of PID 1 (and so of the namespace). */
  ms: number;
  /** Still running at the end of the grace: SIGKILLed, like docker does. */
  killed: boolean;
  exit: { code: number | null; signal: NodeJS.Signals | null };
  output: string;
}

/** SIGTERM to PID 1; SIGKILL after graceMs. */
export async function stopLikeDocker(c: Container, graceMs: number): Promise<StopResult> {
  const t0 = performance.now();
  process.kill(c.pid1, 'SIGTERM');
  const outcome = await Promise.race([c.running.exited, new Promise<null>((r) => setTimeout(() => r(null), graceMs))]);
  if (outcome !== null) return { ms: outcome.at - t0, killed: false, exit: outcome, output: c.running.output() };
  try {
    process.kill(c.pid1, 'SIGKILL');
  } catch {
    // exited in between
  }
  const exit = await c.running.exited;
  return { ms: exit.at - t0, killed: true, exit, output: c.running.output() };
}

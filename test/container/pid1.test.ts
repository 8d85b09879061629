/**
 * Containers imitated without Docker: the final stage's ENTRYPOINT + CMD run as PID 1 of a new
 * PID namespace (`unshare --pid --fork`), and get the Dockerfile's STOPSIGNAL the way `docker stop`
 * sends it: to PID 1, from outside the namespace. The patched Dockerfile must stop inside the
 * budget; the unpatched one must still be running 3 s later (control).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { patchDockerfile } from '../../src/edits/dockerfile/patch.js';
import { parseStages } from '../../src/detect/dockerfile-stages.js';
import { targetChain } from '../../src/core/timeout-chain.js';

const here = dirname(fileURLToPath(import.meta.url));
const repos = join(here, '..', 'fixtures', 'repos');
const BUDGET_MS = 8000;
const CONTROL_WAIT_MS = 3000;

/** The command Docker would run for the final stage: ENTRYPOINT + CMD, shell form through /bin/sh. */
function containerCommand(dockerfile: string): { argv: string[]; stopSignal: NodeJS.Signals; env: Record<string, string> } {
  const { stages } = parseStages(dockerfile);
  const final = stages[stages.length - 1]!;
  const last = (k: string) => final.instructions.filter((i) => i.getKeyword() === k).pop();
  const words = (k: string): string[] => {
    const instruction = last(k);
    if (!instruction) return [];
    const text = (instruction.getArgumentsContent() ?? '').trim();
    if (text.startsWith('[')) return JSON.parse(text) as string[];
    return ['/bin/sh', '-c', text];
  };
  const env: Record<string, string> = {};
  for (const e of final.instructions.filter((i) => i.getKeyword() === 'ENV')) {
    const [name, ...value] = (e.getArgumentsContent() ?? '').split('=');
    if (name) env[name.trim()] = value.join('=').trim();
  }
  const stop = (last('STOPSIGNAL')?.getArgumentsContent() ?? 'SIGTERM').trim() as NodeJS.Signals;
  return { argv: [...words('ENTRYPOINT'), ...words('CMD')], stopSignal: stop, env };
}

/** Image paths → this machine: tini is Debian's /usr/bin/tini; the app's WORKDIR is the fixture dir (cwd). */
function mapToHost(argv: string[]): string[] {
  return argv.map((w) => (w === '/sbin/tini' || w === '/usr/bin/tini' ? '/usr/bin/tini' : w));
}

interface Running {
  unshare: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output: () => string;
}

const running: Running[] = [];
const tempDirs: string[] = [];

/** A PATH dir with `uvicorn` pointing at the Debian python that has it installed. */
function pythonBin(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gs-pid1-bin-'));
  tempDirs.push(dir);
  const shim = join(dir, 'uvicorn');
  writeFileSync(shim, '#!/bin/sh\nexec /usr/bin/python3 -m uvicorn "$@"\n');
  chmodSync(shim, 0o755);
  return dir;
}

async function startAsPid1(
  fixture: string,
  dockerfile: string,
  ready: RegExp,
): Promise<Running & { pid1: number; stopSignal: NodeJS.Signals }> {
  const { argv, stopSignal, env } = containerCommand(dockerfile);
  const cwd = join(repos, fixture);
  const unshare = spawn('unshare', ['--pid', '--fork', '--kill-child', ...mapToHost(argv)], {
    cwd,
    env: { ...process.env, ...env, PORT: '0', PATH: `${pythonBin()}:${process.env.PATH ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  unshare.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  unshare.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    unshare.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const entry: Running = { unshare, exited, output: () => out };
  running.push(entry);

  const deadline = Date.now() + 20_000;
  while (!ready.test(out)) {
    if (Date.now() > deadline || unshare.exitCode !== null) throw new Error(`not ready: ${argv.join(' ')}\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // PID 1 of the namespace is unshare's only child; check the kernel agrees it is PID 1 in there.
  const children = readFileSync(`/proc/${unshare.pid}/task/${unshare.pid}/children`, 'utf8').trim().split(/\s+/);
  const pid1 = Number(children[0]);
  const nspid = /NSpid:\s+(.*)/
    .exec(readFileSync(`/proc/${pid1}/status`, 'utf8'))?.[1]
    ?.trim()
    .split(/\s+/);
  expect(nspid?.[nspid.length - 1]).toBe('1');
  return { ...entry, pid1, stopSignal };
}

/** Stop like `docker stop`: the stop signal to PID 1; how long until the container is gone (null: still running). */
async function stopAndTime(c: Awaited<ReturnType<typeof startAsPid1>>, waitMs: number): Promise<number | null> {
  const sent = Date.now();
  process.kill(c.pid1, c.stopSignal);
  const result = await Promise.race([c.exited, new Promise<null>((r) => setTimeout(() => r(null), waitMs))]);
  return result === null ? null : result.at - sent;
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.unshare.exitCode === null && r.unshare.signalCode === null) {
      // --kill-child: when unshare dies, the namespace's PID 1 gets SIGKILL, and with it everything inside.
      r.unshare.kill('SIGKILL');
      await r.exited;
    }
  }
});

afterAll(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

const cases = [
  { fixture: 'container-node', ready: /listening on/, what: 'node server with a SIGTERM handler, shell-form CMD' },
  { fixture: 'container-node-plain', ready: /listening on/, what: 'node server without handlers, exec-form CMD, no init' },
  { fixture: 'container-uvicorn', ready: /Uvicorn running on/, what: 'uvicorn, shell-form CMD with $PORT' },
];

describe('PID 1 imitation with unshare --pid --fork', () => {
  it("has what it needs: unshare with PID namespaces (root) and Debian's tini", () => {
    expect(spawnSync('unshare', ['--pid', '--fork', '--kill-child', 'true']).status).toBe(0);
    expect(spawnSync('/usr/bin/tini', ['--version']).status).toBe(0);
  });

  const chain = targetChain({ timeoutMs: BUDGET_MS, preStopSeconds: 5, servesTraffic: true });

  it.each(cases)('$fixture: patched stops within the budget ($what)', async ({ fixture, ready }) => {
    const source = readFileSync(join(repos, fixture, 'Dockerfile'), 'utf8');
    const pkg = join(repos, fixture, 'package.json');
    const scripts = existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { scripts?: Record<string, string> }).scripts : undefined;
    const patched = patchDockerfile(source, scripts ? { scripts } : {}).text;
    expect(patched).not.toBe(false);
    const c = await startAsPid1(fixture, patched as string, ready);
    expect(c.stopSignal).toBe('SIGTERM');
    const took = await stopAndTime(c, chain.stopGraceSeconds * 1000);
    expect(took, c.output()).not.toBeNull();
    expect(took!).toBeLessThan(BUDGET_MS);
  });

  it.each(cases)('$fixture: unpatched ignores the stop signal (control)', async ({ fixture, ready }) => {
    const source = readFileSync(join(repos, fixture, 'Dockerfile'), 'utf8');
    const c = await startAsPid1(fixture, source, ready);
    const took = await stopAndTime(c, CONTROL_WAIT_MS);
    expect(took, c.output()).toBeNull();
    // Still alive after the wait: then it is killed, as Docker would at the end of the grace period.
    expect(c.unshare.exitCode).toBeNull();
    c.unshare.kill('SIGKILL');
    const end = await c.exited;
    expect(end.signal).toBe('SIGKILL');
  });
});

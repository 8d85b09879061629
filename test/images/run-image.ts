/**
 * Run an image the way a container engine would, without one: its own filesystem as the root,
 * ENTRYPOINT + CMD as PID 1 of a new PID namespace, its WORKDIR, Env and USER, and its STOPSIGNAL
 * sent to PID 1 from outside, as `docker stop` does. The network is the host's (the app listens on a
 * free port given as PORT).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { podmanSync } from './podman.js';

export interface ImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  StopSignal?: string;
  ExposedPorts?: Record<string, unknown> | null;
}

export function imageConfig(tag: string): ImageConfig {
  return JSON.parse(podmanSync(['image', 'inspect', tag, '--format', '{{json .Config}}'])) as ImageConfig;
}

export interface Mounted {
  root: string;
  release: () => void;
}

/** The image's filesystem, mounted read-write from a fresh container of it. */
export function mountImage(tag: string): Mounted {
  const id = podmanSync(['create', tag]).trim();
  const root = podmanSync(['mount', id]).trim();
  return {
    root,
    release: () => {
      try {
        podmanSync(['umount', id]);
      } catch {
        /* already */
      }
      try {
        podmanSync(['rm', '-f', id]);
      } catch {
        /* already */
      }
    },
  };
}

/** uid:gid of USER inside the image (names looked up in its /etc/passwd and /etc/group). */
export function resolveUser(root: string, user: string | undefined, read: (p: string) => string): { uid: number; gid: number } | null {
  if (user === undefined || user === '' || user === 'root' || user === '0') return null;
  const [u, g] = user.split(':') as [string, string | undefined];
  const passwd = read(join(root, 'etc/passwd'))
    .split('\n')
    .map((l) => l.split(':'));
  const entry = passwd.find((p) => p[0] === u || p[2] === u);
  if (!entry) throw new Error(`USER ${user}: no such user in the image's /etc/passwd`);
  let gid = Number(entry[3]);
  if (g !== undefined) {
    const group = read(join(root, 'etc/group'))
      .split('\n')
      .map((l) => l.split(':'))
      .find((x) => x[0] === g || x[2] === g);
    gid = group ? Number(group[2]) : Number(g);
  }
  return { uid: Number(entry[2]), gid };
}

export interface RunningImage {
  child: ChildProcess;
  argv: string[];
  stopSignal: NodeJS.Signals;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output: () => string;
  /** PID (outside) of the namespace's PID 1. */
  pid1: () => number;
  /** Send the image's STOPSIGNAL to PID 1 (the process unshare forked). */
  stop: () => number;
}

function normaliseSignal(s: string | undefined): NodeJS.Signals {
  if (!s) return 'SIGTERM';
  const up = s.toUpperCase();
  const numbers: Record<string, string> = { '15': 'SIGTERM', '2': 'SIGINT', '3': 'SIGQUIT', '1': 'SIGHUP' };
  return (numbers[up] ?? (up.startsWith('SIG') ? up : `SIG${up}`)) as NodeJS.Signals;
}

export interface RunOptions {
  /** A network namespace of its own (for images whose port is fixed): reach it with `nsenter -t pid1 -n`. */
  ownNetwork?: boolean;
}

export function runImage(
  root: string,
  config: ImageConfig,
  env: Record<string, string>,
  read: (p: string) => string,
  options: RunOptions = {},
): RunningImage {
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (argv.length === 0) throw new Error('the image has no ENTRYPOINT or CMD');
  const user = resolveUser(root, config.User, read);
  const workdir = config.WorkingDir || '/';
  mkdirSync(join(root, 'proc'), { recursive: true });
  const imageEnv = [...(config.Env ?? []), ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  const asUser = user === null ? [] : ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups'];
  // setpriv runs inside the new root, so it must be the image's; util-linux is in every Debian base.
  const args = [
    '--pid',
    '--fork',
    '--kill-child',
    '--mount',
    '--mount-proc',
    ...(options.ownNetwork ? ['--net'] : []),
    `--root=${root}`,
    `--wd=${workdir}`,
    '/usr/bin/env',
    '-i',
    ...imageEnv,
    ...asUser,
    ...argv,
  ];
  const child = spawn('unshare', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  const stopSignal = normaliseSignal(config.StopSignal);
  return {
    child,
    argv,
    stopSignal,
    exited,
    output: () => out,
    pid1: () => pidOneOf(child.pid!),
    stop: () => {
      const pid1 = pidOneOf(child.pid!);
      process.kill(pid1, stopSignal);
      return Date.now();
    },
  };
}

/** The forked child of unshare: PID 1 inside the namespace. */
function pidOneOf(unsharePid: number): number {
  const text = podmanSafeRead(`/proc/${unsharePid}/task/${unsharePid}/children`).trim();
  const pid = Number(text.split(/\s+/)[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`unshare ${unsharePid} has no child (yet)`);
  return pid;
}

function podmanSafeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/**
 * podman on these machines: its own storage (overlay or vfs, under the cache dir, so other test runs and the
 * machine's default storage are not touched), chroot isolation, no pulls. `podman run` cannot work
 * here (no CAP_SYS_RESOURCE for rlimits), so images are run from their own filesystem (run-image.ts).
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** Outside the repo: base rootfs tarballs and podman storage survive between runs. */
export const CACHE_DIR =
  process.env['CGS_IMAGE_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'create-graceful-shutdown', 'images');

/**
 * The storage driver: overlay where the kernel lets this process mount it (root in these machines'
 * containers can), else vfs. With vfs every layer is a full copy of the image's filesystem, so a
 * build writes hundreds of MB per step and removing an image costs as much again; overlay stores
 * each layer's changes only. Decided once per cache dir by building a two-file image from scratch,
 * and kept (storage-driver in the cache dir); CGS_IMAGE_DRIVER=vfs|overlay overrides it.
 */
function storageDriver(): 'overlay' | 'vfs' {
  const forced = process.env['CGS_IMAGE_DRIVER'];
  if (forced === 'overlay' || forced === 'vfs') return forced;
  const record = join(CACHE_DIR, 'storage-driver');
  const kept = (): 'overlay' | 'vfs' | null => {
    const text = existsSync(record) ? readFileSync(record, 'utf8').trim() : '';
    return text === 'overlay' || text === 'vfs' ? text : null;
  };
  // The image test files start side by side: one of them probes, the others wait for its record.
  const lock = join(CACHE_DIR, 'storage-driver.lock');
  const waitUntil = Date.now() + PROBE_MS;
  for (;;) {
    const known = kept();
    if (known !== null) return known;
    try {
      mkdirSync(lock);
      break;
    } catch {
      // another file is probing; past the probe's own bound its lock is stale (the process died)
      if (Date.now() > waitUntil) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    const chosen = kept() ?? (overlayWorks() ? 'overlay' : 'vfs');
    writeFileSync(record, `${chosen}\n`);
    return chosen;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A probe build is two COPY steps onto nothing: seconds, however loaded the machine. */
const PROBE_MS = 300_000;

function overlayWorks(): boolean {
  const probe = mkdtempSync(join(CACHE_DIR, 'overlay-probe-'));
  try {
    writeFileSync(join(probe, 'Dockerfile'), 'FROM scratch\nCOPY a /a\nCOPY b /b\n');
    writeFileSync(join(probe, 'a'), 'a\n');
    writeFileSync(join(probe, 'b'), 'b\n');
    const store = ['--storage-driver', 'overlay', '--root', join(probe, 'storage'), '--runroot', shortRunroot(probe)];
    execFileSync('podman', [...store, 'build', '--isolation', 'chroot', '--pull=never', '-t', 'cgs-overlay-probe', probe], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: PROBE_MS,
    });
    return true;
  } catch (error) {
    // Said once, so a run that falls back to the slow driver shows why.
    const stderr = String((error as { stderr?: unknown }).stderr ?? error)
      .trim()
      .split('\n')
      .slice(-3)
      .join(' | ');
    console.warn(`podman: overlay storage does not work here (${stderr}); the image tests use vfs`);
    return false;
  } finally {
    rmSync(shortRunroot(probe), { recursive: true, force: true });
    // The probe's storage holds one tiny image and nothing is mounted after a build: removing the
    // directory is enough (no `podman system reset`, which also clears state other podman processes share).
    rmSync(probe, { recursive: true, force: true });
  }
}

/**
 * podman refuses an overlay runroot longer than 50 characters (the default cache dir under /root/.cache
 * is longer), so the overlay runroot, which holds only locks and mount state, lives in the temp dir,
 * named after the storage it serves: every process using that storage finds the same one.
 */
function shortRunroot(storage: string): string {
  return join(tmpdir(), `cgs-run-${createHash('sha256').update(storage).digest('hex').slice(0, 12)}`);
}

let driver: 'overlay' | 'vfs' | null = null;

export function podmanArgs(args: readonly string[]): string[] {
  mkdirSync(CACHE_DIR, { recursive: true });
  driver ??= storageDriver();
  // Each driver its own storage: a cache made by one is never read by the other.
  const storage = join(CACHE_DIR, driver === 'vfs' ? 'storage' : 'storage-overlay');
  const run = driver === 'vfs' ? join(CACHE_DIR, 'run') : shortRunroot(storage);
  mkdirSync(storage, { recursive: true });
  mkdirSync(run, { recursive: true });
  return [
    '--storage-driver',
    driver,
    '--root',
    storage,
    '--runroot',
    run,
    '--cgroup-manager',
    'cgroupfs',
    '--events-backend',
    'none',
    ...args,
  ];
}

export function podmanSync(args: readonly string[], input?: string | Buffer): string {
  return execFileSync('podman', podmanArgs(args), {
    encoding: 'utf8',
    input,
    maxBuffer: 64 * 1024 * 1024,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
}

export interface PodmanResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function podman(args: readonly string[], options: { cwd?: string } = {}): Promise<PodmanResult> {
  return new Promise((resolve) => {
    execFile('podman', podmanArgs(args), { cwd: options.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

export function imageExists(tag: string): boolean {
  try {
    execFileSync('podman', podmanArgs(['image', 'exists', tag]), { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The tags the image tests built in this run, for the removal at its end (test/images/global-teardown.ts). */
const BUILT_TAGS = join(CACHE_DIR, 'built-tags');

/**
 * Remembers an image for removal after every test file has ended. Never removed while another file
 * may build: buildah's cache lookup reads every image in the store, and one being removed meanwhile
 * fails that build with "layer not known" (CI, twice: a prune, then another file's removal).
 */
export function removeAtEnd(tags: readonly string[]): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  appendFileSync(BUILT_TAGS, tags.map((t) => `${t}\n`).join(''));
}

/**
 * After the whole run: the images it built and the dangling layers they left. With vfs every layer
 * is a full copy of the filesystem (a run of the corpus leaves ~15 GB). The base images stay;
 * CGS_IMAGE_KEEP=1 keeps everything (faster reruns).
 */
export async function removeBuiltImages(): Promise<void> {
  if (!existsSync(BUILT_TAGS)) return;
  const tags = [...new Set(readFileSync(BUILT_TAGS, 'utf8').split('\n').filter(Boolean))];
  rmSync(BUILT_TAGS, { force: true });
  if (process.env['CGS_IMAGE_KEEP'] === '1') return;
  for (const tag of tags) await podman(['rmi', '-f', tag]);
  await podman(['image', 'prune', '-f']);
}

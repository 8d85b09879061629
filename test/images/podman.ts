/**
 * podman on these machines: its own storage (overlay or vfs, under the cache dir, so other test runs and the
 * machine's default storage are not touched), chroot isolation, no pulls. `podman run` cannot work
 * here (no CAP_SYS_RESOURCE for rlimits), so images are run from their own filesystem (run-image.ts).
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
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
  if (existsSync(record)) {
    const kept = readFileSync(record, 'utf8').trim();
    if (kept === 'overlay' || kept === 'vfs') return kept;
  }
  const chosen = overlayWorks() ? 'overlay' : 'vfs';
  writeFileSync(record, `${chosen}\n`);
  return chosen;
}

function overlayWorks(): boolean {
  const probe = mkdtempSync(join(CACHE_DIR, 'overlay-probe-'));
  try {
    writeFileSync(join(probe, 'Dockerfile'), 'FROM scratch\nCOPY a /a\nCOPY b /b\n');
    writeFileSync(join(probe, 'a'), 'a\n');
    writeFileSync(join(probe, 'b'), 'b\n');
    const store = ['--storage-driver', 'overlay', '--root', join(probe, 'storage'), '--runroot', join(probe, 'run')];
    execFileSync('podman', [...store, 'build', '--isolation', 'chroot', '--pull=never', '-t', 'cgs-overlay-probe', probe], {
      stdio: 'ignore',
      timeout: 120_000,
    });
    return true;
  } catch {
    return false;
  } finally {
    try {
      execFileSync(
        'podman',
        ['--storage-driver', 'overlay', '--root', join(probe, 'storage'), '--runroot', join(probe, 'run'), 'system', 'reset', '-f'],
        {
          stdio: 'ignore',
          timeout: 60_000,
        },
      );
    } catch {
      // nothing was stored, or reset is unavailable: the directory goes below
    }
    rmSync(probe, { recursive: true, force: true });
  }
}

let driver: 'overlay' | 'vfs' | null = null;

export function podmanArgs(args: readonly string[]): string[] {
  mkdirSync(CACHE_DIR, { recursive: true });
  driver ??= storageDriver();
  // Each driver its own storage: a cache made by one is never read by the other.
  const storage = join(CACHE_DIR, driver === 'vfs' ? 'storage' : 'storage-overlay');
  const run = join(CACHE_DIR, driver === 'vfs' ? 'run' : 'run-overlay');
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

/**
 * Remove what a test file built: with vfs every layer is a full copy of the filesystem (a run of the
 * corpus leaves ~15 GB). The base images stay; CGS_IMAGE_KEEP=1 keeps everything (faster reruns).
 */
export async function removeImages(tags: readonly string[]): Promise<void> {
  if (process.env['CGS_IMAGE_KEEP'] === '1') return;
  // No `image prune`: the image test files run side by side, and pruning dangling layers while another
  // file builds removed the cache layer that build was using ("layer not known", CI).
  for (const tag of tags) await podman(['rmi', '-f', tag]);
}

/**
 * Deleting a vfs image costs about as much disk I/O as building it (each layer is a full copy), so
 * a hook that removes images gets the removal's own budget: a loaded build's worth per image
 * (one removal took over 120 s at load 15).
 */
export const REMOVE_MS_PER_IMAGE = 300_000;

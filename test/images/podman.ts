/**
 * podman on these machines: its own storage (vfs, under the cache dir, so other test runs and the
 * machine's default storage are not touched), chroot isolation, no pulls. `podman run` cannot work
 * here (no CAP_SYS_RESOURCE for rlimits), so images are run from their own filesystem (run-image.ts).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Outside the repo: base rootfs tarballs and podman storage survive between runs. */
export const CACHE_DIR =
  process.env['CGS_IMAGE_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'create-graceful-shutdown', 'images');

export function podmanArgs(args: readonly string[]): string[] {
  mkdirSync(join(CACHE_DIR, 'storage'), { recursive: true });
  mkdirSync(join(CACHE_DIR, 'run'), { recursive: true });
  return [
    '--storage-driver',
    'vfs',
    '--root',
    join(CACHE_DIR, 'storage'),
    '--runroot',
    join(CACHE_DIR, 'run'),
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

/**
 * Real images: the tool runs on each corpus repo, every Dockerfile it creates or patches is built
 * with podman from local Debian base images (base-images.ts), and each image is run from its own
 * filesystem as PID 1 with its ENTRYPOINT, CMD, USER and STOPSIGNAL (run-image.ts). Under 200 idle
 * keep-alive sockets and 20 requests in flight, the stop signal must let all 20 finish with a 200
 * and the container exit well inside docker's 10 s.
 *
 * Builds run in a bounded pool (CGS_IMAGE_JOBS, default 2) and reuse podman's layer cache; the
 * base rootfs is cached outside the repo. The time of the whole file is printed at the end.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/tree.js';
import { ensureNodeBaseImages } from './base-images.js';
import { buildContextOf, copyCorpusRepo, CORPUS, hashFiles, type CorpusRepo } from './corpus.js';
import { freePort, idleKeepAlive, inFlight, waitForHttp } from '../helpers/load.js';
import { podman, removeAtEnd } from './podman.js';
import { imageConfig, mountImage, runImage, type ImageConfig } from './run-image.js';
import { limiter } from '../helpers/processes.js';

const JOBS = Math.max(1, Number(process.env['CGS_IMAGE_JOBS'] ?? 2));
/** CGS_IMAGE_REPOS=a,b: only these corpus repos (a rerun of one repo without rebuilding the others). */
const ONLY =
  process.env['CGS_IMAGE_REPOS']
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean) ?? null;
const unknown = (ONLY ?? []).filter((n) => !CORPUS.some((r) => r.name === n));
if (unknown.length > 0) throw new Error(`CGS_IMAGE_REPOS names no corpus repo: ${unknown.join(', ')} (see test/images/corpus.ts)`);
const REPOS = ONLY === null ? CORPUS : CORPUS.filter((r) => ONLY.includes(r.name));
/** The slow route's work: what is left when the stop signal arrives is at most this. */
const WORK_MS = 1000;
/** Margin over the work left for the drain, tini, node's exit: a quarter of docker's 10 s. */
const MARGIN_MS = 2500;
const IDLE_SOCKETS = 200;
const IN_FLIGHT = 20;
const startedAt = Date.now();
const dirs: string[] = [];
const tags: string[] = [];

interface ImageOutcome {
  repo: string;
  dockerfile: string;
  dockerfileText: string;
  build: { code: number; log: string; ms: number };
  config: ImageConfig | null;
  run: { statuses: (number | string)[]; exitMs: number | null; code: number | null; signal: string | null; output: string } | null;
}

const slot = limiter(JOBS);

async function stopUnderLoad(tag: string): Promise<ImageOutcome['run']> {
  const config = imageConfig(tag);
  const mounted = mountImage(tag);
  const port = await freePort();
  const running = runImage(mounted.root, config, { PORT: String(port) }, (p) => readFileSync(p, 'utf8'));
  let alive = true;
  void running.exited.then(() => {
    alive = false;
  });
  try {
    // Why it did not answer (a crash at start: "Cannot find module") is in its own output.
    await waitForHttp(port, '/', 30_000, () => alive).catch((e: unknown) => {
      throw new Error(`${tag}: ${e instanceof Error ? e.message : String(e)}\n${running.output()}`);
    });
    const idle = await idleKeepAlive(port, '/', IDLE_SOCKETS);
    const busy = inFlight(port, '/slow', IN_FLIGHT);
    // Let every request reach the app before the stop signal (they take WORK_MS each).
    await new Promise((r) => setTimeout(r, 300));
    const stoppedAt = running.stop();
    const killAt = new Promise<null>((r) => setTimeout(() => r(null), 10_000));
    const exit = await Promise.race([running.exited, killAt]);
    const statuses = await Promise.race([busy.results, new Promise<string[]>((r) => setTimeout(() => r(['no answer']), 2000))]);
    idle.destroy();
    busy.agent.destroy();
    return {
      statuses,
      exitMs: exit === null ? null : exit.at - stoppedAt,
      code: exit?.code ?? null,
      signal: exit?.signal ?? null,
      output: running.output(),
    };
  } finally {
    if (alive) running.child.kill('SIGKILL');
    await running.exited;
    mounted.release();
  }
}

async function buildAndRun(repo: CorpusRepo, dir: string, dockerfile: string): Promise<ImageOutcome> {
  const text = readFileSync(join(dir, dockerfile), 'utf8');
  const context = join(dir, buildContextOf(dockerfile, text));
  const tag = `localhost/cgs-${repo.name}-${dockerfile.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}:test`;
  tags.push(tag);
  return slot(async () => {
    const t = Date.now();
    const built = await podman([
      'build',
      '--isolation',
      'chroot',
      '--pull=never',
      '--network',
      'host',
      '--layers',
      '-f',
      join(dir, dockerfile),
      '-t',
      tag,
      context,
    ]);
    const build = { code: built.code, log: `${built.stdout}\n${built.stderr}`.slice(-4000), ms: Date.now() - t };
    if (built.code !== 0) return { repo: repo.name, dockerfile, dockerfileText: text, build, config: null, run: null };
    const config = imageConfig(tag);
    // Images are removed in afterAll, not here: deleting a vfs image is gigabytes of disk work, and done
    // while another slot's container is being stopped it stalled that stop past docker's 10 s (CI, NestJS).
    const run = await stopUnderLoad(tag);
    return { repo: repo.name, dockerfile, dockerfileText: text, build, config, run };
  });
}

const outcomes = new Map<string, Promise<ImageOutcome[]>>();

beforeAll(() => {
  ensureNodeBaseImages();
  for (const repo of REPOS) {
    const dir = copyCorpusRepo(repo.name);
    dirs.push(dir);
    const before = hashFiles(dir);
    const cli = runCli(['--yes', dir], { timeoutMs: 120_000 });
    const after = hashFiles(dir);
    const changed = [...after.keys()].filter((p) => /(^|\/)(Dockerfile|Containerfile)[^/]*$/.test(p) && after.get(p) !== before.get(p));
    if (cli.code !== 0) {
      outcomes.set(repo.name, Promise.reject(new Error(`the tool failed on ${repo.name} (exit ${cli.code}): ${cli.stderr.trim()}`)));
      continue;
    }
    outcomes.set(repo.name, Promise.all(changed.map((f) => buildAndRun(repo, dir, f))));
  }
  for (const p of outcomes.values()) p.catch(() => undefined);
}, 600_000);

afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  removeAtEnd(tags);
  console.log(
    `test/images/build-run.test.ts: ${REPOS.length} repos, whole file ${((Date.now() - startedAt) / 1000).toFixed(0)} s with ${JOBS} build jobs`,
  );
});

describe('images the tool creates or patches build, run as PID 1, and stop gracefully under load', () => {
  it.each(REPOS.map((r) => [r.name, r] as const))(
    '%s',
    async (_name, repo) => {
      const images = await outcomes.get(repo.name)!;
      expect(images.map((i) => i.dockerfile).sort()).toEqual([...repo.dockerfiles].sort());
      for (const image of images) {
        const what = `${repo.name}/${image.dockerfile}`;
        expect(image.build.code, `${what} does not build:\n${image.dockerfileText}\n${image.build.log}`).toBe(0);
        const run = image.run!;
        console.log(
          `${what}: built in ${(image.build.ms / 1000).toFixed(0)} s; SIGTERM → exit ${run.exitMs} ms, exit ${run.code ?? run.signal}`,
        );
        expect(image.config!.User, `${what} runs as root`).toBe('node');
        expect(image.config!.Entrypoint?.[0]).toMatch(/tini$/);
        expect(run.statuses, `${what}: in-flight requests\n${run.output}`).toEqual(Array(IN_FLIGHT).fill(200));
        expect(run.exitMs, `${what}: still running 10 s after ${image.config!.StopSignal}\n${run.output}`).not.toBeNull();
        expect(run.exitMs!).toBeLessThan(WORK_MS + MARGIN_MS);
        expect(run.code).toBe(0);
      }
    },
    900_000,
  );
});

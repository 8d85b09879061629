/**
 * Real Python images: the tool runs on a Flask + gunicorn (gthread) repo, the Dockerfile it creates is
 * built with podman from a Debian python3 base (pip has no index here: the servers come from
 * Debian), and the image runs from its own filesystem as PID 1, in a network namespace of its own
 * (its command fixes the port), under 200 idle keep-alive sockets and 20 in-flight requests.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/tree.js';
import { ensurePythonBaseImages } from './base-images.js';
import { copyCorpusRepo } from './corpus.js';
import { podman, removeAtEnd } from './podman.js';
import { imageConfig, mountImage, runImage } from './run-image.js';

const WORK_MS = 1000;
const MARGIN_MS = 2500;
const dirs: string[] = [];
const startedAt = Date.now();

afterAll(async () => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  removeAtEnd(['localhost/cgs-python-flask-gunicorn:test']);
  console.log(`test/images/python-images.test.ts: whole file ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
});

describe('Python images the tool creates build, run as PID 1, and stop gracefully under load', () => {
  it('python-flask-gunicorn (gunicorn.conf.py, from a Procfile)', async () => {
    ensurePythonBaseImages();
    const dir = copyCorpusRepo('python-flask-gunicorn');
    dirs.push(dir);
    const cli = runCli(['--yes', dir], { timeoutMs: 120_000 });
    expect(cli.code, cli.stderr).toBe(0);
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('CMD ["gunicorn", "--config", "gunicorn.conf.py", "shop.app:app"]');
    const tag = 'localhost/cgs-python-flask-gunicorn:test';
    const built = await podman(['build', '--isolation', 'chroot', '--pull=never', '--network', 'host', '--layers', '-t', tag, dir]);
    expect(built.code, `${dockerfile}\n${built.stdout.slice(-3000)}\n${built.stderr.slice(-3000)}`).toBe(0);

    const config = imageConfig(tag);
    expect(config.User).toBe('app');
    const port = Number(Object.keys(config.ExposedPorts ?? {})[0]?.split('/')[0]);
    expect(port).toBe(8000);
    const mounted = mountImage(tag);
    const running = runImage(mounted.root, config, {}, (p) => readFileSync(p, 'utf8'), { ownNetwork: true });
    try {
      let pid1 = 0;
      for (let i = 0; i < 50 && pid1 === 0; i++) {
        try {
          pid1 = running.pid1();
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      execFileSync('nsenter', ['-t', String(pid1), '-n', 'ip', 'link', 'set', 'lo', 'up']);
      const client = spawn(
        'nsenter',
        ['-t', String(pid1), '-n', process.execPath, join(import.meta.dirname, 'load-client.mjs'), String(port)],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const clientDone = new Promise<void>((resolve) => client.on('exit', () => resolve()));
      let out = '';
      client.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      client.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (out.includes('READY')) {
            clearInterval(timer);
            resolve();
          }
        }, 20);
        void clientDone.then(() => {
          clearInterval(timer);
          if (!out.includes('READY')) reject(new Error(`load client: ${out}\n${running.output()}`));
        });
      });
      const stoppedAt = running.stop();
      const exit = await Promise.race([running.exited, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      await clientDone;
      const statuses = JSON.parse(out.split('\n').find((l) => l.startsWith('['))!) as unknown[];
      expect(statuses, running.output()).toEqual(Array(20).fill(200));
      expect(exit, `still running 10 s after ${running.stopSignal}\n${running.output()}`).not.toBeNull();
      console.log(`python-flask-gunicorn/Dockerfile: SIGTERM → exit ${exit!.at - stoppedAt} ms, exit ${exit!.code ?? exit!.signal}`);
      expect(exit!.at - stoppedAt).toBeLessThan(WORK_MS + MARGIN_MS);
      expect(exit!.code).toBe(0);
    } finally {
      running.child.kill('SIGKILL');
      await running.exited;
      mounted.release();
    }
  }, 900_000);
});

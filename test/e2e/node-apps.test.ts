/**
 * End to end on Node fixture repos, with no hand edits: run the CLI with --yes, build when the app is
 * TypeScript, start the app the way its start script does, hold 1,000 idle keep-alive connections and
 * in-flight requests (and a WebSocket client where the app has one), send SIGTERM.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { cleanupCopies, copyRepo, hashTree, runCli, ROOT } from '../helpers/tree.js';
import { closeAll, connectionRefused, openIdle, request, type IdleConnection } from '../node-module/helpers.js';

const children: ChildProcess[] = [];
const sockets: IdleConnection[][] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const s of sockets.splice(0)) closeAll(s);
});
afterAll(cleanupCopies);

/** Far below the 5 s keep-alive default and the 65 s the apps set; the real figure is in bench/. */
const EXIT_BOUND_MS = 3500;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

async function start(dir: string, file: string, port: number): Promise<Started> {
  const child = spawn(process.execPath, [file], { cwd: dir, env: { ...process.env, PORT: String(port), SLOW_MS: '1000' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
  const deadline = Date.now() + 20_000;
  while (!/listening/i.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`app did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, output: () => out, exited };
}

function build(dir: string): void {
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`);
}

interface Case {
  repo: string;
  /** File the start script runs (after the build). */
  run: string;
  build?: boolean;
  ws?: boolean;
  /** What the tool must have done to the entrypoint. */
  entry: string;
  entryHas: RegExp[];
  entryLacks?: RegExp[];
}

const CASES: Case[] = [
  { repo: 'express-ts-esm', run: 'dist/server.js', build: true, entry: 'src/server.ts', entryHas: [/from '\.\/shutdown\.js'/, /setupSignalHandlers\(\)/, /registerHttpServer\(server\)/] },
  { repo: 'koa-ws-esm', run: 'server.js', ws: true, entry: 'server.js', entryHas: [/from '\.\/shutdown\.js'/, /registerHttpServer\(server\)/, /registerWebSocketServer\(wss\)/] },
  { repo: 'fastify-cjs', run: 'index.js', entry: 'index.js', entryHas: [/require\('\.\/shutdown'\)/, /app\.close\(\)/] },
  { repo: 'node-http-cjs', run: 'server.js', entry: 'server.js', entryHas: [/require\('\.\/shutdown'\)/, /registerHttpServer\(server\)/] },
  { repo: 'sigterm-existing', run: 'app.js', entry: 'app.js', entryHas: [/registerHttpServer\(server\)/], entryLacks: [/process\.on\('SIGTERM'/] },
  { repo: 'let-server-callback', run: 'src/index.js', entry: 'src/index.js', entryHas: [/registerHttpServer\(server\)/] },
  { repo: 'chained-start', run: 'dist/server.js', build: true, entry: 'src/server.ts', entryHas: [/setupSignalHandlers\(\)/, /registerHttpServer\(/] },
];

describe('end to end: CLI --yes, build, start, SIGTERM under load', () => {
  for (const c of CASES) {
    it(`${c.repo}`, async () => {
      const dir = copyRepo(c.repo, { withModules: true });
      const r = runCli([dir, '--yes']);
      expect(r.stderr).not.toMatch(/error|warning/i);
      expect(r.code).toBe(0);
      const entry = (await import('node:fs')).readFileSync(join(dir, c.entry), 'utf8');
      for (const re of c.entryHas) expect(entry).toMatch(re);
      for (const re of c.entryLacks ?? []) expect(entry).not.toMatch(re);
      // Idempotent: a second run changes nothing.
      const after = hashTree(dir);
      const again = runCli([dir, '--yes']);
      expect(again.stdout).toContain('Nothing to do');
      expect(hashTree(dir)).toEqual(after);

      if (c.build) build(dir);
      const port = await freePort();
      const app = await start(dir, c.run, port);
      const idle = await openIdle(port, 1000, '/');
      sockets.push(idle);
      let wsClose: Promise<number> | null = null;
      if (c.ws) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
        await new Promise<void>((res, rej) => {
          ws.once('open', () => res());
          ws.once('error', rej);
        });
        wsClose = new Promise<number>((res) => ws.once('close', (code) => res(code)));
      }
      const inFlight = Array.from({ length: 20 }, () => request(port, '/slow'));
      await new Promise((res) => setTimeout(res, 300)); // the requests are in the app's hands

      const sentAt = Date.now();
      app.child.kill('SIGTERM');
      const responses = await Promise.all(inFlight);
      const exit = await app.exited;

      expect(responses.map((x) => x.status)).toEqual(Array(20).fill(200));
      expect(exit.code, app.output()).toBe(0);
      expect(exit.at - sentAt).toBeLessThan(EXIT_BOUND_MS);
      expect(await connectionRefused(port)).toBe(true);
      if (wsClose) expect(await wsClose).toBe(1001);
    });
  }
});

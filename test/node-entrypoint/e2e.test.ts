/**
 * End to end without hand edits: the built CLI (`npm run build` first; `npm test` does it) runs
 * with --yes on a copy of a fixture repo, the repo is built (tsc for TypeScript), the app starts
 * as a real process, holds 1,000 idle keep-alive connections (keepAliveTimeout 65 s in every
 * fixture) plus in-flight requests, then gets SIGTERM. Every in-flight request must get its 200,
 * WebSocket clients 1001, and the process must exit with 0 far sooner than the 5 s keep-alive
 * default (bench/ measures the real figure). A second CLI run must change no byte and say so.
 * The generators' own plan (from src/) is checked too: it is what the CLI applies.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Answers } from '../../src/answers.js';
import { Plan } from '../../src/core/plan.js';
import { renderTemplate } from '../../src/core/render.js';
import { detect } from '../../src/detect/index.js';
import type { NodeApp } from '../../src/detect/facts.js';
import { scriptTargetFile } from '../../src/detect/start-script.js';
import { nodeEntrypointGenerator } from '../../src/generators/node-entrypoint.js';
import { nodeModuleGenerator } from '../../src/generators/node-module.js';
import type { GeneratorContext } from '../../src/generators/types.js';
import { App, closeAll, openIdle, request, tsc, type IdleConnection } from '../node-module/helpers.js';
import { freePort, openWebSocket } from '../helpers/load.js';
import { hashTree, runCli } from '../helpers/tree.js';
import { answersFor } from '../helpers/builders.js';

const ROOT = join(import.meta.dirname, '../..');
const REPOS = join(ROOT, 'test/fixtures/repos');
const ANSWERS: Answers = answersFor();
/** Far below the 5 s keep-alive default (and the fixtures' 65 s); the floor is the ~1.5 s of work left. */
const EXIT_BOUND_MS = 4000;
const SLOW_MS = 1500;
const IDLE = 1000;
const IN_FLIGHT = 20;

const dirs: string[] = [];
const apps: App[] = [];
const sockets: IdleConnection[][] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) {
    if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    await a.exited;
  }
  for (const s of sockets.splice(0)) closeAll(s);
});
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copyRepo(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cgs-e2e-${name}-`));
  dirs.push(dir);
  cpSync(join(REPOS, name), dir, { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/** The module and entrypoint generators for the repo's one Node app, as the CLI would run them with --yes. */
function plan(dir: string): { plan: Plan; app: NodeApp } {
  const facts = detect(dir);
  const app = facts.apps.find((a): a is NodeApp => a.kind === 'node');
  if (!app) throw new Error(`no Node app detected in ${dir}`);
  const read = (p: string): string | null => {
    try {
      return readFileSync(join(dir, p), 'utf8');
    } catch {
      return null;
    }
  };
  const result = new Plan(read);
  for (const gen of [nodeModuleGenerator, nodeEntrypointGenerator]) {
    const ctx: GeneratorContext = { facts, answers: ANSWERS, app, current: (p) => result.current(p) };
    if (!gen.appliesTo(ctx)) continue;
    for (const a of gen.actions(ctx)) {
      if (a.type === 'plan-render') result.write(a.path, renderTemplate(a.template, a.data), a.reason);
      else if (a.type === 'plan-write') result.write(a.path, a.content, a.reason);
      else if (a.type === 'plan-edit') result.edit(a.path, a.edit, a.reason);
      else result.note(a.level, a.message, a.file);
    }
  }
  return { plan: result, app };
}

interface RepoCase {
  repo: string;
  /** Entry file detection must find (through chained scripts and outDir). */
  entry: string;
  build: boolean;
  webSockets?: number;
  /** A note the plan must carry. */
  note?: RegExp;
}

const CASES: RepoCase[] = [
  { repo: 'express-ts-esm', entry: 'src/server.ts', build: true },
  { repo: 'koa-ws-esm', entry: 'server.js', build: false, webSockets: 10 },
  { repo: 'fastify-cjs', entry: 'index.js', build: false },
  { repo: 'node-http-cjs', entry: 'server.js', build: false },
  { repo: 'let-server-callback', entry: 'src/index.js', build: false },
  { repo: 'sigterm-existing', entry: 'app.js', build: false, note: /replaced process\.on\('SIGTERM'\)/ },
  { repo: 'chained-start', entry: 'src/server.ts', build: true },
];

describe('wired fixture repos shut down gracefully under load', () => {
  for (const c of CASES) {
    it(`${c.repo}: wired with no hand edits; in-flight 200s, ${c.webSockets ? 'WebSockets 1001, ' : ''}quick exit 0; second run plans nothing`, async () => {
      const dir = copyRepo(c.repo);
      const first = plan(dir);
      expect(first.app.entrypoint?.path).toBe(c.entry);
      const moduleFile = join(dirname(c.entry), `shutdown${c.entry.slice(c.entry.lastIndexOf('.'))}`);
      expect(
        first.plan
          .changes()
          .map((ch) => ch.path)
          .sort(),
      ).toEqual([c.entry, moduleFile].sort());
      expect(first.plan.notes.filter((n) => n.level === 'warn')).toEqual([]);
      if (c.note) expect(first.plan.notes.map((n) => n.message).join('\n')).toMatch(c.note);

      const run1 = runCli([dir, '--yes', '--only', 'module,entrypoint'], { timeoutMs: 60_000 });
      expect(run1.code, run1.stderr).toBe(0);
      // The CLI wrote exactly what the generators planned.
      for (const ch of first.plan.changes()) expect(readFileSync(join(dir, ch.path), 'utf8'), ch.path).toBe(ch.after);
      const before = hashTree(dir);
      const run2 = runCli([dir, '--yes', '--only', 'module,entrypoint'], { timeoutMs: 60_000 });
      expect(run2.code, run2.stderr).toBe(0);
      expect(run2.stdout).toMatch(/nothing to do/i);
      expect(hashTree(dir)).toEqual(before);
      expect(plan(dir).plan.changes()).toEqual([]);

      if (c.build) await tsc(dir, ['-p', 'tsconfig.json']);
      const command = first.app.start?.resolved ?? '';
      const target = scriptTargetFile(command);
      expect(target, `start command ${command}`).not.toBeNull();

      const port = await freePort();
      const child = spawn(process.execPath, [join(dir, target ?? '')], {
        cwd: dir,
        env: { ...process.env, PORT: String(port), SLOW_MS: String(SLOW_MS) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const app = new App(child);
      apps.push(app);
      await app.waitFor(/listening/);

      const idle = await openIdle(port, IDLE, { path: '/' });
      sockets.push(idle);
      // Each client: opened, and a promise of its close code (kept apart: a promise resolved with a promise adopts it).
      const clients = await Promise.all(Array.from({ length: c.webSockets ?? 0 }, () => openWebSocket(`ws://127.0.0.1:${port}`)));
      const flights = Array.from({ length: IN_FLIGHT }, () => request(port, '/slow'));
      // The fixtures print nothing per request. A later request answered means the server has
      // accepted the earlier connections (accepts are in order); a short pause lets it read them.
      expect((await request(port, '/')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 150));

      const sentAt = Date.now();
      app.kill('SIGTERM');
      const responses = await Promise.all(flights);
      const codes = (await Promise.all(clients.map((x) => x.closed))).map((x) => x.code);
      const exit = await app.exited;
      const lastResponse = Math.max(...responses.map((r) => r.at));

      expect(responses.map((r) => `${r.status} ${r.body}`)).toEqual(Array(IN_FLIGHT).fill('200 slow done'));
      expect(codes).toEqual(Array(c.webSockets ?? 0).fill(1001));
      expect(
        idle.filter((s) => s.closedAt === null || s.closedAt > lastResponse),
        'idle sockets closed by the drain',
      ).toHaveLength(0);
      expect(exit, app.stderr).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sentAt).toBeLessThan(EXIT_BOUND_MS);
      console.log(
        `[measure] ${c.repo}: exit ${exit.at - sentAt} ms after SIGTERM (slow requests ${SLOW_MS} ms, ${IDLE} idle keep-alive sockets)`,
      );
    });
  }
});

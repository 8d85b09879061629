/**
 * Issue 6 end to end, with no hand edits: the built CLI runs with `--yes` on a copy of a fixture repo
 * (a Vite app; a custom express + Vite middleware + ws dev server; the Vite app with an existing
 * `CMD npm run dev` Dockerfile). The final stage's ENTRYPOINT + CMD of the Dockerfile it created or
 * patched then runs as PID 1 of a fresh PID namespace (`unshare --pid --fork`), tini mapped to
 * Debian's /usr/bin/tini, the copy as WORKDIR. A browser-like HMR client (subprotocol vite-hmr,
 * Origin header, Vite's token) is connected, plus the app's own WebSocket for the custom server.
 * SIGTERM goes to PID 1 from outside, as `docker stop` sends it: the clients must see close code 1001
 * and PID 1 must exit well inside docker's 10 s. Control: the same command on the untouched repo
 * (or the untouched Dockerfile) cuts the HMR socket (1006) or ignores SIGTERM until the 10 s kill.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO, cleanup, linkNodeModules, tempDir } from '../devserver/helpers.js';
import { containerCommand, freePort, startAsPid1, stopLikeDocker, type StopResult } from './pid1.js';
import { connectHmr, connectWebSocket } from './clients.js';

const FIXTURES = join(REPO, 'test/fixtures/repos');
const CLI = join(REPO, 'bin/create-graceful-shutdown.js');
/** docker stop's default grace: after it, SIGKILL. */
const DOCKER_GRACE_MS = 10_000;

afterEach(cleanup);

beforeAll(() => {
  // The CLI under test is the built one.
  if (!existsSync(join(REPO, 'dist/cli/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: REPO, stdio: 'ignore' });
});

interface Case {
  name: string;
  fixture: string;
  /** An existing Dockerfile put in the copy first (the patch case), or null (the CLI creates one). */
  dockerfile: string | null;
  tool: 'vite' | 'custom';
  /** The app's own WebSocket path, besides HMR. */
  appSocket: string | null;
}

const CASES: Case[] = [
  { name: 'Vite app, Dockerfile created', fixture: 'devserver-vite', dockerfile: null, tool: 'vite', appSocket: null },
  {
    name: 'express + Vite middleware + ws, Dockerfile created',
    fixture: 'devserver-express-vite-ws',
    dockerfile: null,
    tool: 'custom',
    appSocket: '/live',
  },
  {
    name: 'Vite app, existing Dockerfile with `CMD npm run dev` patched',
    fixture: 'devserver-vite',
    dockerfile: 'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nRUN npm install\nEXPOSE 5173\nCMD npm run dev\n',
    tool: 'vite',
    appSocket: null,
  },
];

/** A copy of the fixture with node_modules linked in (per package, so Vite's cache stays in the copy). */
function copyOf(c: Case, label: string): string {
  const dir = tempDir(`e2e-${label}`);
  cpSync(join(FIXTURES, c.fixture), dir, { recursive: true });
  if (c.dockerfile !== null) writeFileSync(join(dir, 'Dockerfile'), c.dockerfile);
  linkNodeModules(dir);
  return dir;
}

/**
 * The container's argv for this machine, plus what `docker run` would give it so parallel tests do
 * not share a port: Vite's port as arguments after CMD, the custom server's as PORT (it reads it).
 */
function runnable(dockerfile: string, c: Case, port: number): { argv: string[]; env: Record<string, string>; stopSignal: string } {
  const { argv, env, stopSignal } = containerCommand(dockerfile);
  const extra = c.tool === 'vite' ? ['--port', String(port), '--strictPort'] : [];
  const shell = argv.indexOf('-c');
  // Shell form (`/bin/sh -c "npm run dev"`): arguments after the script would not reach it; npm passes them on after `--`.
  const withExtra =
    extra.length === 0
      ? argv
      : shell >= 0 && shell === argv.length - 2
        ? [...argv.slice(0, -1), `${argv[argv.length - 1]} -- ${extra.join(' ')}`]
        : [...argv, ...extra];
  return { argv: withExtra, env: { ...env, PORT: String(port) }, stopSignal };
}

interface Outcome extends StopResult {
  hmr: number;
  app: number | null;
}

/** Start as PID 1, connect the clients, stop like docker; the close codes the clients saw. */
async function runContainer(dir: string, dockerfile: string, c: Case, graceMs: number): Promise<Outcome> {
  const port = await freePort();
  const { argv, env, stopSignal } = runnable(dockerfile, c, port);
  expect(stopSignal).toBe('SIGTERM');
  const container = await startAsPid1(argv, dir, env, `http://127.0.0.1:${port}/`);
  const origin = `http://127.0.0.1:${port}`;
  const hmr = await connectHmr(origin);
  const app = c.appSocket ? await connectWebSocket(`ws://127.0.0.1:${port}${c.appSocket}`, [], origin) : null;
  if (app) expect(JSON.parse(await app.firstMessage)).toEqual({ hello: 'live' });
  const stop = await stopLikeDocker(container, graceMs);
  const [hmrClosed, appClosed] = await Promise.all([hmr.closed, app?.closed ?? Promise.resolve(null)]);
  const outcome = { ...stop, hmr: hmrClosed.code, app: appClosed?.code ?? null };
  console.log(
    `[measure] ${c.name} | ${argv.join(' ')} | ${Math.round(outcome.ms)} ms | ` +
      `${outcome.killed ? 'SIGKILL at the grace' : `exit ${outcome.exit.code ?? outcome.exit.signal}`} | HMR ${outcome.hmr}${c.appSocket ? ` | app ${outcome.app}` : ''}`,
  );
  return outcome;
}

describe.each(CASES)('e2e: $name', (c) => {
  it("with the CLI's changes (--yes, no hand edits): HMR and app sockets get 1001, PID 1 exits well inside 10 s", async () => {
    const dir = copyOf(c, `${c.fixture}-wired`);
    execFileSync('node', [CLI, dir, '--yes'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const dockerfile = readFileSync(join(dir, 'Dockerfile'), 'utf8');

    // What the Dockerfile runs: the dev server itself in exec form, behind tini, never npm.
    const { argv } = containerCommand(dockerfile);
    expect(argv.slice(0, 2)).toEqual([c.dockerfile === null ? '/usr/bin/tini' : '/sbin/tini', '--']);
    expect(argv[2]).toBe('node');
    expect(argv).not.toContain('npm');
    expect(argv[3]).toBe(c.tool === 'vite' ? 'node_modules/vite/bin/vite.js' : 'server.dev.js');
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);

    const result = await runContainer(dir, dockerfile, c, DOCKER_GRACE_MS);
    expect(result.killed, result.output).toBe(false);
    expect(result.hmr, result.output).toBe(1001);
    if (c.appSocket) expect(result.app, result.output).toBe(1001);
    expect(result.exit.code, result.output).toBe(0);
    expect(result.ms).toBeLessThan(5000);
    expect(result.output).toContain('[shutdown] SIGTERM');
  });

  it("control, the same container command without the CLI's changes: 1006 or the 10 s kill", async () => {
    const dir = copyOf(c, `${c.fixture}-control`);
    // The command to compare with: the one the CLI writes (from a throwaway copy), run on the untouched repo;
    // for the patch case, the user's own Dockerfile as it was.
    let dockerfile = c.dockerfile;
    if (dockerfile === null) {
      const scratch = copyOf(c, `${c.fixture}-scratch`);
      execFileSync('node', [CLI, scratch, '--yes', '--only', 'docker'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      dockerfile = readFileSync(join(scratch, 'Dockerfile'), 'utf8');
    }
    const result = await runContainer(dir, dockerfile, c, DOCKER_GRACE_MS);
    expect(result.output).not.toContain('[shutdown]');
    // Either the dev server dies at once and cuts its sockets, or nothing stops it until the SIGKILL.
    expect(result.hmr === 1006 || result.killed, `hmr ${result.hmr}, killed ${result.killed}\n${result.output}`).toBe(true);
    expect(result.hmr).not.toBe(1001);
    if (c.appSocket) expect(result.app).not.toBe(1001);
    if (c.dockerfile !== null) {
      // `CMD npm run dev` (shell form) as PID 1: sh ignores SIGTERM; docker kills it at 10 s.
      expect(result.killed).toBe(true);
      expect(result.ms).toBeGreaterThanOrEqual(DOCKER_GRACE_MS - 100);
    }
  });
});

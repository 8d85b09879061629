/**
 * Next.js, measured (issue #12): what drains in-flight requests under `next start` and under a custom
 * server, before and after `--yes`, with the same load as drain-before-after.test.ts. One production
 * build (`next build --webpack`: Turbopack refuses the symlinked node_modules of a test copy) serves both
 * fixtures, whose app/ directories are the same. `npm run build` first: the CLI runs from dist/.
 */
import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, describeRun, EXIT_BOUND_MS, measureDrain, removeCopies, REPOS, runCli } from './drain-harness.js';

const NEXT = ['node', 'node_modules/next/dist/bin/next'];
let built = '';

beforeAll(() => {
  built = copyFixture('nextjs-next-start');
  const r = spawnSync(process.execPath, [NEXT[1] as string, 'build', '--webpack'], {
    cwd: built,
    encoding: 'utf8',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    timeout: 280_000,
  });
  if (r.status !== 0) throw new Error(`next build failed: ${r.stdout}\n${r.stderr}`);
}, 300_000);
afterAll(removeCopies);

function withBuild(fixture: string): string {
  const dir = copyFixture(fixture);
  cpSync(join(built, '.next'), join(dir, '.next'), { recursive: true });
  return dir;
}

function sourceFiles(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) =>
    ['node_modules', '.next', '.git'].includes(e.name) ? [] : e.isDirectory() ? sourceFiles(dir, join(sub, e.name)) : [join(sub, e.name)],
  );
}

const env = { NEXT_TELEMETRY_DISABLED: '1' };

describe('Next.js', () => {
  it('`next start` (Dockerfile CMD npm start): recognised, not refused; nothing wired or written for the app, and the plan says why', async () => {
    const dir = withBuild('nextjs-next-start');
    // What `npm start` runs: `next start` (npm itself between the signal and node is the container part's concern).
    const argv = [...NEXT, 'start'];
    const before = await measureDrain({ dir, argv, env, startMs: 60_000 });
    console.log(`next start\n  ${describeRun('before', before)}`);
    // The facts the plan message states: in-flight requests are answered, then it waits for the
    // keep-alive sockets those clients keep (Node's 5 s default), and exits 143.
    expect(before.answered).toBe(20);
    expect(before.code).toBe(143);
    expect(before.exitMs).toBeGreaterThan(4000);

    const cli = runCli(dir);
    expect(cli.code, cli.stderr + cli.stdout).toBe(0);
    expect(cli.stdout).toMatch(
      /`npm start` \(Dockerfile\) runs Next\.js's own server: no file of the app creates it, so there is nothing to wire and the shutdown module is not written/,
    );
    expect(cli.stdout).toMatch(/exits 143, not 0/);
    expect(cli.stdout).toMatch(/custom server/);
    expect(sourceFiles(dir).filter((f) => /(^|\/)shutdown\.[cm]?[jt]s$/.test(f))).toEqual([]);
    for (const f of ['app/slow/route.js', 'app/layout.js', 'package.json', 'next.config.mjs']) {
      expect(readFileSync(join(dir, f), 'utf8')).toBe(readFileSync(join(REPOS, 'nextjs-next-start', f), 'utf8'));
    }

    const after = await measureDrain({ dir, argv, env, startMs: 60_000 });
    console.log(`  ${describeRun('after', after)}`);
    expect(after.answered).toBeGreaterThanOrEqual(before.answered);
    // Unchanged: Next's own handler still decides (its exit status is reported in the plan, not hidden).
    expect(after.code).toBe(before.code);
    expect(after.exitMs).toBeLessThanOrEqual(Math.max(before.exitMs + EXIT_BOUND_MS, EXIT_BOUND_MS));
  }, 240_000);

  it('custom server (`node server.js` with next() + http.createServer): wired, drains at the floor, exit 0', async () => {
    const dir = withBuild('nextjs-custom-server');
    const argv = ['node', 'server.js'];
    const before = await measureDrain({ dir, argv, env, startMs: 60_000 });
    const cli = runCli(dir);
    expect(cli.code, cli.stderr + cli.stdout).toBe(0);
    const after = await measureDrain({ dir, argv, env, startMs: 60_000 });
    console.log(`next custom server\n  ${describeRun('before', before)}\n  ${describeRun('after', after)}`);
    expect(after.answered).toBeGreaterThanOrEqual(before.answered);
    expect(after.answered).toBe(20);
    expect(after.code).toBe(0);
    expect(after.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
    expect(readFileSync(join(dir, 'server.js'), 'utf8')).toMatch(/registerHttpServer\(server\)/);
  }, 240_000);
});

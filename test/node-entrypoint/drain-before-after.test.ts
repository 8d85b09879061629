/**
 * Issue #12, wiring part: each fixture repo (test/fixtures/repos/<shape>) is measured as it is, then
 * after `create-graceful-shutdown --yes`, started both times the way its Dockerfile runs it, with 100
 * idle keep-alive connections and 20 in-flight requests whose clients keep their connection open after
 * the response, then SIGTERM. Every in-flight request answered before is answered after, the exit is no
 * later than before or within a bound tied to the work left (EXIT_BOUND_MS: twice the 1 s of request
 * work), and the exit code is 0. `npm run build` first: the CLI runs from dist/.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import {
  copyFixture,
  describeRun,
  dockerCommand,
  EXIT_BOUND_MS,
  measureDrain,
  removeCopies,
  ROOT,
  runCli,
  type DrainResult,
} from './drain-harness.js';

afterAll(removeCopies);

function files(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub), { withFileTypes: true }).flatMap((e) =>
    e.name === 'node_modules' || e.name === '.git' ? [] : e.isDirectory() ? files(dir, join(sub, e.name)) : [join(sub, e.name)],
  );
}

/** tsc of the repo's own build, the generated shutdown module included: it compiles clean under the fixture's tsconfig. */
function tscBuild(dir: string): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const errors = r.stdout.split('\n').filter((l) => /error TS/.test(l));
  expect(errors, r.stdout).toEqual([]);
  expect(r.status, r.stdout + r.stderr).toBe(0);
}

function expectNoHarm(before: DrainResult, after: DrainResult): void {
  // The figures, for the record (reproduce: npx vitest run test/node-entrypoint/drain-before-after.test.ts).
  console.log(`${expect.getState().currentTestName}\n  ${describeRun('before', before)}\n  ${describeRun('after', after)}`);
  expect(after.answered, `${describeRun('before', before)}; ${describeRun('after', after)}`).toBeGreaterThanOrEqual(before.answered);
  expect(after.code, `${describeRun('after', after)}\n${after.stderr}`).toBe(0);
  expect(after.exitMs, `${describeRun('before', before)}; ${describeRun('after', after)}`).toBeLessThanOrEqual(
    Math.max(before.exitMs, EXIT_BOUND_MS),
  );
}

describe('find the process that runs; never cut an existing drain', () => {
  it('express-generator layout with its own drain in bin/www (main names app.js, Dockerfile runs node ./bin/www): the drain is kept, no unused module', async () => {
    const dir = copyFixture('express-generator-bin-www-drain');
    const before = await measureDrain({ dir, argv: dockerCommand(dir) });
    expect(before.answered).toBe(20);
    const cli = runCli(dir);
    expect(cli.code, cli.stderr).toBe(0);
    const after = await measureDrain({ dir, argv: dockerCommand(dir) });
    expectNoHarm(before, after);
    // The file the container runs is the one judged, and its drain is left alone with the exact lines to change.
    expect(cli.stdout).toMatch(/bin\/www:\d+: not edited: it already handles SIGTERM/);
    expect(cli.stdout).toMatch(/process: `node \.\/bin\/www` \(Dockerfile, final-stage ENTRYPOINT\/CMD\) starts bin\/www/);
    expect(cli.stdout).toMatch(/not `main: app\.js`/);
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'test/fixtures/repos/express-generator-bin-www-drain/app.js'), 'utf8'),
    );
    // No unused file: the refused entry gets no module.
    expect(files(dir).filter((f) => /(^|\/)shutdown\.[cm]?[jt]s$/.test(f))).toEqual([]);
    expect(cli.stdout).toMatch(/The shutdown module was not written \(it would be unused\)/);
    expect(after.answered).toBe(20);
    // Wired: the drain ends with the work left, not at a keep-alive timeout or the deadline.
    expect(after.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
  }, 120_000);

  it('the refused entry gets its module when it is asked for explicitly (--only module)', () => {
    const dir = copyFixture('express-generator-bin-www-drain');
    const cli = runCli(dir, ['--only', 'module']);
    expect(cli.code, cli.stderr).toBe(0);
    expect(existsSync(join(dir, 'bin/shutdown.js'))).toBe(true);
  }, 60_000);

  it('express-generator layout without a drain: bin/www (what the Dockerfile runs) is wired, not app.js', async () => {
    const dir = copyFixture('express-generator-bin-www');
    const before = await measureDrain({ dir, argv: dockerCommand(dir) });
    const cli = runCli(dir);
    expect(cli.code, cli.stderr).toBe(0);
    const after = await measureDrain({ dir, argv: dockerCommand(dir) });
    expectNoHarm(before, after);
    expect(readFileSync(join(dir, 'bin/www'), 'utf8')).toMatch(/registerHttpServer\(server\)/);
    expect(readFileSync(join(dir, 'app.js'), 'utf8')).not.toMatch(/shutdown/);
    expect(after.answered).toBe(20);
    // Wired: the drain ends with the work left, not at a keep-alive timeout or the deadline.
    expect(after.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
  }, 120_000);

  it('an entry that requires a server.js with its own drain: the drain is found there and kept', async () => {
    const dir = copyFixture('drain-in-required-server');
    const before = await measureDrain({ dir, argv: dockerCommand(dir) });
    expect(before.answered).toBe(20);
    const cli = runCli(dir);
    expect(cli.code, cli.stderr).toBe(0);
    const after = await measureDrain({ dir, argv: dockerCommand(dir) });
    expectNoHarm(before, after);
    expect(cli.stdout).toMatch(/src\/server\.js:\d+: not edited: it already handles SIGTERM/);
    expect(cli.stdout).toMatch(/index\.js creates no server; src\/server\.js/);
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).not.toMatch(/shutdown/);
    expect(files(dir).filter((f) => /(^|\/)shutdown\.[cm]?[jt]s$/.test(f))).toEqual([]);
  }, 120_000);
});

describe('the file that creates the server, in the process that runs', () => {
  it('an entry (what the Dockerfile runs) that requires the file creating the server: that file is wired, the entry is left alone', async () => {
    const dir = copyFixture('server-in-required-file');
    const before = await measureDrain({ dir, argv: dockerCommand(dir) });
    const cli = runCli(dir);
    expect(cli.code, cli.stderr).toBe(0);
    const after = await measureDrain({ dir, argv: dockerCommand(dir) });
    expectNoHarm(before, after);
    expect(after.answered).toBe(20);
    // Wired: the drain ends with the work left, not at a keep-alive timeout or the deadline.
    expect(after.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
    expect(readFileSync(join(dir, 'src/server.js'), 'utf8')).toMatch(/registerHttpServer\(server\)/);
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).not.toMatch(/shutdown/);
    expect(cli.stdout).toMatch(/index\.js creates no server; src\/server\.js \(loaded from it\) does/);
  }, 120_000);
});

describe('every common server drains at the floor with keep-alive clients', () => {
  it('Fastify with plugins and an onClose hook: its server is drained, then close() runs the onClose hooks', async () => {
    const dir = copyFixture('fastify-plugins-onclose');
    const before = await measureDrain({ dir, argv: dockerCommand(dir) });
    const cli = runCli(dir);
    expect(cli.code, cli.stderr).toBe(0);
    const after = await measureDrain({ dir, argv: dockerCommand(dir) });
    expectNoHarm(before, after);
    expect(readFileSync(join(dir, 'server.js'), 'utf8')).toMatch(/registerHttpServer\(app\.server\)/);
    expect(after.answered).toBe(20);
    // Wired: the drain ends with the work left, not at a keep-alive timeout or the deadline.
    expect(after.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
    expect(after.stdout).toMatch(/db pool closed/);
  }, 120_000);

  it('NestJS starter with enableShutdownHooks: getHttpServer() drained, app.close() runs the lifecycle hooks once, no competing listener', async () => {
    const dir = copyFixture('nestjs-starter');
    tscBuild(dir);
    const before = await measureDrain({ dir, argv: dockerCommand(dir) });
    const cli = runCli(dir);
    expect(cli.code, cli.stderr).toBe(0);
    tscBuild(dir);
    const after = await measureDrain({ dir, argv: dockerCommand(dir) });
    expectNoHarm(before, after);
    const main = readFileSync(join(dir, 'src/main.ts'), 'utf8');
    expect(main).toMatch(/registerHttpServer\(app\.getHttpServer\(\)\)/);
    expect(main).not.toMatch(/enableShutdownHooks/);
    expect(after.answered).toBe(20);
    // Wired: the drain ends with the work left, not at a keep-alive timeout or the deadline.
    expect(after.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
    expect(after.stdout.match(/nest onApplicationShutdown/g)?.length).toBe(1);
    expect(after.stdout).toMatch(/nest onModuleDestroy/);
  }, 180_000);

  it('socket.io chat with connected clients: they are disconnected as the drain starts, cleanly', async () => {
    const dir = copyFixture('socketio-chat');
    const reasons: string[] = [];
    const clients = async (port: number): Promise<() => void> => {
      const list: ClientSocket[] = Array.from({ length: 10 }, () =>
        connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false }),
      );
      await Promise.all(list.map((c) => new Promise<void>((resolve) => c.once('connect', () => resolve()))));
      for (const c of list) c.on('disconnect', (reason) => reasons.push(reason));
      return () => list.forEach((c) => c.close());
    };
    const before = await measureDrain({ dir, argv: dockerCommand(dir), clients });
    const cli = runCli(dir);
    expect(cli.code, cli.stderr).toBe(0);
    reasons.length = 0;
    const after = await measureDrain({ dir, argv: dockerCommand(dir), clients });
    expectNoHarm(before, after);
    expect(readFileSync(join(dir, 'index.js'), 'utf8')).toMatch(/phase: 'drain'/);
    expect(after.answered).toBe(20);
    // Wired: the drain ends with the work left, not at a keep-alive timeout or the deadline.
    expect(after.exitMs).toBeLessThanOrEqual(EXIT_BOUND_MS);
    // 'io server disconnect': the server ended the session (the client does not reconnect); not a dropped transport.
    expect(reasons).toEqual(Array(10).fill('io server disconnect'));
  }, 120_000);
});

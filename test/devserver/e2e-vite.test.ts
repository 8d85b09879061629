/**
 * End to end on a fixture Vite repo: the plugin wired in with no hand edit (by the CLI when it is built
 * with the devserver generator registered, else by this generator through an in-memory Plan), Vite
 * started as PID 1 of a fresh PID namespace behind tini, an HMR client connected the way Vite's own
 * client connects, SIGTERM from outside: the HMR client sees 1001 and the process exits well inside
 * docker's 10 s. A control run without the plugin shows what the test tells apart (1006).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Plan } from '../../src/core/plan.js';
import { renderTemplate } from '../../src/core/render.js';
import { detectDevServer } from '../../src/detect/devserver.js';
import type { NodeApp } from '../../src/detect/facts.js';
import { listRepoFiles } from '../../src/detect/files.js';
import { devServerGenerator } from '../../src/generators/devserver.js';
import type { GeneratorContext } from '../../src/generators/types.js';
import { REPO, cleanup, linkNodeModules, openKeepAlive, openWebSocket, run, tempDir } from './helpers.js';
import { factsFor } from '../helpers/builders.js';

const FIXTURE = join(REPO, 'test/fixtures/repos/devserver-vite');

afterEach(cleanup);

async function cliHasDevServerGenerator(): Promise<boolean> {
  const index = join(REPO, 'dist/generators/index.js');
  if (!existsSync(join(REPO, 'dist/cli/main.js')) || !existsSync(index)) return false;
  const { GENERATORS } = (await import(index)) as { GENERATORS: { name: string }[] };
  return GENERATORS.some((g) => g.name === 'devserver');
}

/** The generator's actions applied the way the pipeline applies them, then written to disk. */
function applyGenerator(dir: string): void {
  const files = listRepoFiles(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const devServer = detectDevServer(files, '', pkg.scripts);
  const app: NodeApp = {
    kind: 'node',
    nodeTarget: null,
    dir: '',
    name: 'fixture',
    packageType: 'module',
    scripts: pkg.scripts,
    dependencies: ['vite'],
    frameworks: [],
    tsconfig: null,
    entrypoint: null,
    start: null,
    devServer,
    processManagers: [],
    servesTraffic: false,
  };
  const plan = new Plan((p) => (existsSync(join(dir, p)) ? readFileSync(join(dir, p), 'utf8') : null));
  const ctx: GeneratorContext = {
    facts: factsFor(dir, [app], { packageManager: 'npm' }),
    answers: { apps: [''], parts: ['devserver'], timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero', preStopSeconds: 5 },
    app,
    current: (p) => plan.current(p),
  };
  expect(devServerGenerator.appliesTo(ctx)).toBe(true);
  for (const a of devServerGenerator.actions(ctx)) {
    if (a.type === 'plan-render') plan.write(a.path, renderTemplate(a.template, a.data), a.reason);
    else if (a.type === 'plan-write') plan.write(a.path, a.content, a.reason);
    else if (a.type === 'plan-edit') plan.edit(a.path, a.edit, a.reason);
    else plan.note(a.level, a.message, a.file);
  }
  for (const change of plan.changes()) writeFileSync(join(dir, change.path), change.after);
}

async function wire(dir: string): Promise<'cli' | 'generator'> {
  if (await cliHasDevServerGenerator()) {
    execFileSync('node', [join(REPO, 'bin/create-graceful-shutdown.js'), dir, '--yes', '--only', 'devserver'], { encoding: 'utf8' });
    return 'cli';
  }
  applyGenerator(dir);
  return 'generator';
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function hostPidOfChild(parent: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const text = await readFile(`/proc/${parent}/task/${parent}/children`, 'utf8').catch(() => '');
    const pid = Number(text.trim().split(/\s+/)[0]);
    if (pid > 0) return pid;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no PID 1 found');
}

/** Vite as PID 1 behind tini, SIGTERM to PID 1; what the HMR client and the process did. */
async function stopViteAsPid1(dir: string) {
  const port = await freePort();
  const vite = run(
    [
      'unshare',
      '--pid',
      '--fork',
      '--kill-child',
      '/usr/bin/tini',
      '--',
      'node',
      'node_modules/vite/bin/vite.js',
      '--port',
      String(port),
      '--strictPort',
      '--host',
      '127.0.0.1',
    ],
    { cwd: dir, env: { CI: '' } },
  );
  await vite.waitFor(/Local:/, 60_000);
  const pid1 = await hostPidOfChild(vite.child.pid as number);
  const origin = `http://127.0.0.1:${port}`;
  // Vite's client sends an Origin and the token it was served; do the same.
  const client = await (await fetch(`${origin}/@vite/client`)).text();
  const token = /const wsToken = "([^"]+)"/.exec(client)?.[1];
  expect(token).toBeTruthy();
  const hmr = await openWebSocket(`ws://127.0.0.1:${port}/?token=${token}`, { protocols: ['vite-hmr'], origin });
  const connected = await hmr.firstMessage;
  expect(JSON.parse(connected)).toMatchObject({ type: 'connected' });
  const idle = await openKeepAlive(port);

  const t0 = performance.now();
  process.kill(pid1, 'SIGTERM');
  const [exit, closed, ended] = await Promise.all([vite.exited, hmr.closed, idle.ended]);
  return { ms: exit.at - t0, exit, hmrCode: closed.code, keepAlive: ended.how, output: vite.output() };
}

describe('e2e: Vite fixture repo as PID 1 behind tini', () => {
  it('with the plugin wired in: the HMR client gets 1001 and the process exits well inside 10 s', async () => {
    const dir = tempDir('e2e-vite');
    cpSync(FIXTURE, dir, { recursive: true });
    linkNodeModules(dir);
    const how = await wire(dir);

    const config = readFileSync(join(dir, 'vite.config.ts'), 'utf8');
    expect(config).toContain("import { gracefulShutdown } from './devserver-shutdown.js'");
    expect(config).toContain('gracefulShutdown()');
    expect(existsSync(join(dir, 'devserver-shutdown.ts'))).toBe(true);
    // The edited config and the module type-check in the repo's own tsconfig, with Vite's types.
    execFileSync('node', [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });

    const result = await stopViteAsPid1(dir);
    expect(result.hmrCode, `${how}\n${result.output}`).toBe(1001);
    expect(result.exit.code).toBe(0);
    expect(result.keepAlive).toBe('FIN');
    expect(result.ms).toBeLessThan(5000);
    expect(result.output).toContain('[shutdown] SIGTERM');
  });

  it('control, without the plugin: Vite cuts the HMR socket (1006)', async () => {
    const dir = tempDir('e2e-vite-control');
    cpSync(FIXTURE, dir, { recursive: true });
    linkNodeModules(dir);
    const result = await stopViteAsPid1(dir);
    expect(result.hmrCode).toBe(1006);
    expect(result.ms).toBeLessThan(5000);
  });
});

/**
 * The generated dev-server module, in real child processes with real signals: drain, 1001, one
 * shutdown per process, the timeout variable, the uncaught-exception exit code, and the variants.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderDevServerModule } from '../../src/generators/devserver.js';
import { REPO, cleanup, linkNodeModules, openKeepAlive, openWebSocket, run, tempDir } from './helpers.js';
import { expectFlavourSnapshot } from '../helpers/flavour-snapshot.js';

const FIXTURE = join(REPO, 'test/fixtures/devserver/module-app/server.mjs');

afterEach(cleanup);

function startApp(env: NodeJS.ProcessEnv = {}, timeoutMs = 8000) {
  const dir = tempDir('module');
  linkNodeModules(dir);
  writeFileSync(join(dir, 'devserver-shutdown.mjs'), renderDevServerModule('js-esm', timeoutMs));
  copyFileSync(FIXTURE, join(dir, 'server.mjs'));
  return run(['node', 'server.mjs'], { cwd: dir, env });
}

async function ready(app: ReturnType<typeof startApp>): Promise<number> {
  return Number((await app.waitFor(/ready (\d+)/))[1]);
}

describe('dev-server module', () => {
  it('on SIGTERM closes WebSockets with 1001, drains keep-alive and in-flight requests, exits 0', async () => {
    const app = startApp();
    const port = await ready(app);
    const ws = await openWebSocket(`ws://127.0.0.1:${port}/`);
    const idle = await openKeepAlive(port);
    const slow = fetch(`http://127.0.0.1:${port}/slow`).then(async (r) => ({
      status: r.status,
      body: await r.text(),
      connection: r.headers.get('connection'),
    }));
    await new Promise((r) => setTimeout(r, 200));

    const t0 = performance.now();
    app.child.kill('SIGTERM');
    const [exit, closed, ended, answered] = await Promise.all([app.exited, ws.closed, idle.ended, slow]);

    expect(closed.code).toBe(1001);
    expect(answered).toEqual({ status: 200, body: 'slow done', connection: 'close' });
    expect(ended.how).toBe('FIN');
    // keepAliveTimeout is 65 s: an undrained close() would still be waiting.
    expect(ended.at - t0).toBeLessThan(3000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at - t0).toBeLessThan(5000);
    // Cleanups run after the servers, last registered first.
    expect(app.output().indexOf('cleanup second')).toBeLessThan(app.output().indexOf('cleanup first'));
  });

  it('runs one shutdown however many signals; a second signal exits at once', async () => {
    const app = startApp({ HANG_CLEANUP: '1' }, 30_000);
    await ready(app);
    app.child.kill('SIGTERM');
    await app.waitFor(/closing dev server/);
    app.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const t1 = performance.now();
    app.child.kill('SIGINT');
    const exit = await app.exited;
    // The hanging cleanup has a 30 s budget; only a forced exit ends the process this soon.
    expect(exit.at - t1).toBeLessThan(5000);
    expect([130, 143]).toContain(exit.code);
    expect(app.output().match(/closing dev server/g)).toHaveLength(1);
    expect(app.output()).toMatch(/second SIG(TERM|INT): exiting now/);
  });

  it('exits 1 after an uncaught exception, having run the cleanups', async () => {
    const app = startApp({ THROW_AFTER_MS: '100' });
    await ready(app);
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(app.output()).toContain('boom from the app');
    expect(app.output()).toContain('cleanup first');
  });

  it('exits 1 when the budget runs out', async () => {
    const app = startApp({ HANG_CLEANUP: '1', GRACEFUL_SHUTDOWN_TIMEOUT_MS: '1000' });
    await ready(app);
    const t0 = performance.now();
    app.child.kill('SIGTERM');
    const exit = await app.exited;
    expect(exit.code).toBe(1);
    expect(exit.at - t0).toBeGreaterThanOrEqual(900);
    expect(exit.at - t0).toBeLessThan(6000);
    expect(app.output()).toContain('not finished after 1000 ms');
  });

  it.each(['30s', 'abc', '-5', '1.5', '0'])('warns on GRACEFUL_SHUTDOWN_TIMEOUT_MS=%s and keeps the default', async (value) => {
    const app = startApp({ GRACEFUL_SHUTDOWN_TIMEOUT_MS: value }, 7000);
    await ready(app);
    expect(app.output()).toContain(
      `GRACEFUL_SHUTDOWN_TIMEOUT_MS=${JSON.stringify(value)} is not a whole number of milliseconds; using 7000`,
    );
    app.child.kill('SIGTERM');
    await app.waitFor(/budget 7000 ms/);
    expect((await app.exited).code).toBe(0);
  });

  it('uses a valid GRACEFUL_SHUTDOWN_TIMEOUT_MS without warning', async () => {
    const app = startApp({ GRACEFUL_SHUTDOWN_TIMEOUT_MS: ' 2500 ' });
    await ready(app);
    app.child.kill('SIGINT');
    await app.waitFor(/budget 2500 ms/);
    expect(app.output()).not.toContain('is not a whole number');
    expect((await app.exited).code).toBe(0);
  });
});

describe('module variants', () => {
  it.each([
    ['devserver-shutdown.ts', 'ts'],
    ['devserver-shutdown.cts', 'ts-export-assign'],
    ['devserver-shutdown.require.cts', 'ts-require'],
    ['devserver-shutdown.mjs', 'js-esm'],
    ['devserver-shutdown.cjs', 'js-cjs'],
  ] as const)('renders %s (snapshot)', async (file, flavour) => {
    const source = renderDevServerModule(flavour, 8000);
    expect(source).not.toMatch(/\{\{|\}\}/);
    expect(source).not.toMatch(/\brequire\(['"]ws['"]\)|from ['"]ws['"]/);
    // The CommonJS flavours are reviewed as diffs against the ES module flavour of their language.
    const base = flavour === 'ts-export-assign' || flavour === 'ts-require' ? 'ts' : flavour === 'js-cjs' ? 'js-esm' : null;
    const baseFile = base === 'ts' ? 'devserver-shutdown.ts' : 'devserver-shutdown.mjs';
    await expectFlavourSnapshot(
      `../../snapshots/devserver/module/${file}`,
      source,
      base === null ? null : { name: baseFile, text: renderDevServerModule(base, 8000) },
    );
  });

  it('CommonJS variant exports the API and shuts down on SIGTERM', async () => {
    const dir = tempDir('cjs');
    writeFileSync(join(dir, 'devserver-shutdown.cjs'), renderDevServerModule('js-cjs', 8000));
    writeFileSync(
      join(dir, 'main.cjs'),
      "const m = require('./devserver-shutdown.cjs');\n" +
        "const server = m.registerHttpServer(require('node:http').createServer((q, s) => s.end('ok')));\n" +
        "server.listen(0, () => console.log('ready', Object.keys(m).sort().join(',')));\n",
    );
    const app = run(['node', 'main.cjs'], { cwd: dir });
    const m = await app.waitFor(/ready (\S+)/);
    // setupSignalHandlers and registerShutdownHandler: the app module's names, so the entrypoint edit wires either module.
    expect(m[1]).toBe(
      'gracefulShutdown,registerCleanup,registerHttpServer,registerShutdownHandler,registerWebSocketServer,setupSignalHandlers,trackInterval,trackTimeout',
    );
    app.child.kill('SIGTERM');
    expect((await app.exited).code).toBe(0);
  });

  it('shares its drain with the app module: the same code, inlined from src/runtime/drain.ts', async () => {
    const { renderNodeModule } = await import('../../src/generators/node-module.js');
    const app = renderNodeModule({ flavour: 'ts', timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero' });
    const dev = renderDevServerModule('ts', 8000);
    const drain = /^export function trackServer[\s\S]*?^}$/m;
    for (const name of ['trackServer', 'drainServer', 'destroyServer', 'closeWebSocketServer']) {
      const body = new RegExp(`^function ${name}\\([\\s\\S]*?^}$`, 'm');
      expect(app.match(body)?.[0], name).toBeDefined();
      expect(dev.match(body)?.[0], name).toBe(app.match(body)?.[0]);
    }
    expect(drain.test(app)).toBe(false); // inlined, not exported
  });

  it('TypeScript variants pass tsc --strict, and the plugin type-checks in a Vite config', () => {
    const dir = tempDir('tsc');
    linkNodeModules(dir);
    writeFileSync(join(dir, 'devserver-shutdown.ts'), renderDevServerModule('ts', 8000));
    writeFileSync(join(dir, 'shutdown-cjs.cts'), renderDevServerModule('ts', 8000));
    writeFileSync(
      join(dir, 'vite.config.ts'),
      "import { defineConfig } from 'vite';\nimport { gracefulShutdown } from './devserver-shutdown.js';\n\nexport default defineConfig({ plugins: [gracefulShutdown()] });\n",
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          skipLibCheck: true,
        },
        files: ['devserver-shutdown.ts', 'shutdown-cjs.cts', 'vite.config.ts'],
      }),
    );
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
    let output = '';
    try {
      execFileSync('node', [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
  });
});

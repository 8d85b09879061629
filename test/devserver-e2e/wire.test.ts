/**
 * The entrypoint edit applied to dev-server files. With the dev-server module (viteWebSocket), a Vite
 * server created in the file gets its HMR sockets registered and its close() as a handler; with the app
 * module (no viteWebSocket), only close(), since that module's registerWebSocketServer expects `ws`
 * servers. A TypeScript custom dev server wired by the devserver generator passes `tsc --strict`
 * against the rendered TypeScript module, Vite's, express's and ws's own types.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeApp } from '../../src/detect/facts.js';
import { wireNodeEntrypoint } from '../../src/edits/node-entrypoint/wire.js';
import { devServerGenerator } from '../../src/generators/devserver.js';
import type { GeneratorContext, PlanAction } from '../../src/generators/types.js';
import { REPO, cleanup, linkNodeModules, tempDir } from '../devserver/helpers.js';
import { factsFor } from '../helpers/builders.js';

afterEach(cleanup);

const SERVER = [
  "import http from 'node:http';",
  "import express from 'express';",
  "import { createServer } from 'vite';",
  "import { WebSocketServer } from 'ws';",
  '',
  'const app = express();',
  'const server = http.createServer(app);',
  "const vite = await createServer({ server: { middlewareMode: true, hmr: { server } }, appType: 'spa' });",
  'app.use(vite.middlewares);',
  'const live = new WebSocketServer({ noServer: true });',
  "live.on('connection', (ws) => ws.send('hi'));",
  'server.listen(Number(process.env.PORT ?? 3000));',
  '',
].join('\n');

describe('wiring a file that creates a Vite server', () => {
  it('app module: vite.close() as a handler, its ws left alone', () => {
    const result = wireNodeEntrypoint(SERVER, {
      fileName: 'server.ts',
      moduleSystem: 'esm',
      specifier: './shutdown.js',
      frameworks: ['express', 'ws'],
    });
    expect(typeof result.text).toBe('string');
    const text = (result as { text: string }).text;
    expect(text).toContain("registerShutdownHandler('vite', () => vite.close());");
    expect(text).not.toContain('vite.ws');
    expect(text).toContain('registerHttpServer(server);');
    expect(text).toContain('registerWebSocketServer(live);');
  });

  it('dev-server module: vite.ws registered before the handler', () => {
    const result = wireNodeEntrypoint(SERVER, {
      fileName: 'server.ts',
      moduleSystem: 'esm',
      specifier: './devserver-shutdown.js',
      frameworks: ['express', 'ws'],
      viteWebSocket: true,
    });
    const text = (result as { text: string }).text;
    expect(text).toContain(
      "const vite = await createServer({ server: { middlewareMode: true, hmr: { server } }, appType: 'spa' });\nregisterWebSocketServer(vite.ws);\nregisterShutdownHandler('vite', () => vite.close());\n",
    );
  });

  it('a TypeScript custom dev server wired by the generator passes tsc --strict', () => {
    const dir = tempDir('wire-tsc');
    linkNodeModules(dir);
    const app: NodeApp = {
      kind: 'node',
      nodeTarget: null,
      dir: '',
      name: 'app',
      packageType: 'module',
      scripts: { dev: 'tsx server.dev.ts' },
      dependencies: ['express', 'ws', 'vite'],
      frameworks: ['express', 'ws'],
      tsconfig: null,
      entrypoint: null,
      start: null,
      devServer: { tool: 'custom', file: 'server.dev.ts', script: 'dev', command: 'tsx server.dev.ts' },
      processManagers: [],
      servesTraffic: true,
    };
    const ctx: GeneratorContext = {
      facts: factsFor(dir, [app], { packageManager: 'npm' }),
      answers: { apps: [''], parts: ['devserver'], timeoutMs: 8000, shutdownDelayMs: 0, exitMode: 'zero', preStopSeconds: 5 },
      app,
      current: (p) => (p === 'server.dev.ts' ? SERVER : null),
    };
    const actions = devServerGenerator.actions(ctx);
    const render = actions.find(
      (a): a is Extract<PlanAction, { type: 'plan-write' }> => a.type === 'plan-write' && a.path.includes('devserver-shutdown'),
    );
    const edit = actions.find((a): a is Extract<PlanAction, { type: 'plan-edit' }> => a.type === 'plan-edit');
    expect(render?.path).toBe('devserver-shutdown.ts');
    expect(edit?.path).toBe('server.dev.ts');
    const wired = edit!.edit(SERVER);
    expect(wired).toContain("from './devserver-shutdown.js'");
    writeFileSync(join(dir, 'devserver-shutdown.ts'), render!.content);
    writeFileSync(join(dir, 'server.dev.ts'), wired as string);
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
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
        files: ['server.dev.ts'],
      }),
    );
    let output = '';
    try {
      execFileSync('node', [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? err);
    }
    expect(output).toBe('');
  });
});
